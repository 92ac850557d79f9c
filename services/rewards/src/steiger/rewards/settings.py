from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from steiger.shared.services import DEFAULT_PORTS
from steiger.shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="STEIGER_REWARDS_")
    service = "rewards"
    port: int = DEFAULT_PORTS["rewards"]
    menu_file: Path | None = None
    """The organisation's rewards menu (JSON); Steiger's Dutch menu (2026) when unset."""
    anniversary_check_seconds: float = 3600.0
