from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from steiger.shared.services import DEFAULT_PORTS, SERVICES, urls_of
from steiger.shared.settings import ServiceSettings, key_from


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="STEIGER_PARTICIPANT_")
    service = "participant"
    port: int = DEFAULT_PORTS["participant"]
    peer_urls: dict[str, str] = Field(
        default_factory=lambda: urls_of([s for s in SERVICES if s != "participant"])
    )
    """Where the other services answer, for subject access (JSON in the environment)."""
    master_key: SecretStr | None = None
    """32 bytes, base64: wraps every participant's data key. Required with PostgreSQL; on
    the embedded defaults one is made once and kept in the var directory."""

    def master_key_bytes(self) -> bytes:
        return key_from(
            self.master_key,
            "STEIGER_PARTICIPANT_MASTER_KEY",
            self.var_dir,
            "participant-master.key",
            required=bool(self.database_url),
        )
