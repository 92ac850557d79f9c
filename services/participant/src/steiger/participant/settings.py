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
