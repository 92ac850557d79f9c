from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from steiger.shared.services import DEFAULT_PORTS, SERVICES, urls_of
from steiger.shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="STEIGER_PARTICIPANT_")
    service = "participant"
    port: int = DEFAULT_PORTS["participant"]
    peer_urls: dict[str, str] = Field(
        default_factory=lambda: urls_of([s for s in SERVICES if s != "participant"])
    )
    """Where the other services answer, for subject access (JSON in the environment)."""
    retention_years: dict[str, int] = Field(default_factory=lambda: {"*": 7})
    """Years a file is kept after exit, per programme (`*`: every other one), then erased
    automatically (JSON in the environment: {"debt-help": 7, "*": 7})."""
    retention_check_seconds: float = Field(3600.0, gt=0)
    """How often the service looks for files whose retention period has ended."""
