from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from steiger.shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="STEIGER_BRIDGE_")
    service = "bridge"
    port: int = 8002
    definitions_dir: Path | None = None
    """An organisation's own Bridge definitions (JSON files), beside the shipped ones."""
