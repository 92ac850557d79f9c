from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from steiger.shared.settings import ServiceSettings, key_from


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="STEIGER_PARTICIPANT_")
    service = "participant"
    port: int = 8001
    peer_urls: dict[str, str] = {
        "bridge": "http://127.0.0.1:8002",
        "planning": "http://127.0.0.1:8003",
        "rewards": "http://127.0.0.1:8004",
        "notifications": "http://127.0.0.1:8005",
        "reporting": "http://127.0.0.1:8006",
    }
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
