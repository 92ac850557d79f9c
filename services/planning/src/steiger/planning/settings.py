from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from steiger.shared.services import DEFAULT_PORTS
from steiger.shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="STEIGER_PLANNING_")
    service = "planning"
    port: int = DEFAULT_PORTS["planning"]
    missed_check_seconds: float = Field(300.0, gt=0, description="missed-action detector")
    definitions_dir: Path | None = Field(
        None, validation_alias=AliasChoices("STEIGER_BRIDGE_DEFINITIONS_DIR")
    )
    """The organisation's own Bridge definitions, as the bridge service reads them."""
    menu_file: Path | None = Field(None, validation_alias=AliasChoices("STEIGER_REWARDS_MENU_FILE"))
    """The organisation's rewards menu, as the rewards service reads it."""
