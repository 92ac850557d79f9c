from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from steiger.shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="STEIGER_PARTICIPANT_")
    service = "participant"
    port: int = 8001
