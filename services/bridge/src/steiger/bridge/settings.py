from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from steiger.shared.services import DEFAULT_PORTS
from steiger.shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="STEIGER_BRIDGE_")
    service = "bridge"
    port: int = DEFAULT_PORTS["bridge"]
    definitions_dir: Path | None = None
    """An organisation's own Bridge definitions (JSON files), beside the shipped ones."""
    cost_tables_dir: Path | None = None
    """An organisation's own cost tables of the index (JSON files), beside the shipped ones."""
    job_catalogues_dir: Path | None = None
    """An organisation's own job catalogues (JSON files), beside the shipped ones."""
    executive_skills_file: Path | None = None
    """The organisation's own statement texts (JSON, the shipped file's shape); ours if unset."""
