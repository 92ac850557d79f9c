from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from steiger.shared.services import DEFAULT_PORTS
from steiger.shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="STEIGER_PLANNING_")
    service = "planning"
    port: int = DEFAULT_PORTS["planning"]
    missed_check_seconds: float = Field(300.0, gt=0, description="missed-action detector")
