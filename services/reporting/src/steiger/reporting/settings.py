from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from steiger.shared.services import DEFAULT_PORTS, urls_of
from steiger.shared.settings import ServiceSettings, secret_kept_in
from steiger.shared.topics import CONSUMES


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="STEIGER_REPORTING_")
    service = "reporting"
    port: int = DEFAULT_PORTS["reporting"]
    producer_urls: dict[str, str] = Field(default_factory=lambda: urls_of(CONSUMES["reporting"]))
    """Where the producers answer: a replay from the stores reads their /outbox (JSON)."""
    exports_dir: Path | None = None
    """Where evaluation exports and exchange datasets are written; default var/exports."""
    research_key: SecretStr | None = None
    """Keys the research ids of the evaluation export (base64); made once in var/ by
    default. Another key gives other ids: researchers cannot link exports of two keys."""
    exchange_check_seconds: float = 3600.0
    """How often the service checks whether the last completed quarter's exchange dataset
    was published (it is published once, after the quarter ends)."""

    @property
    def exports(self) -> Path:
        return self.exports_dir or self.var_dir / "exports"

    def research_key_bytes(self) -> bytes:
        if self.research_key is not None:
            import base64

            return base64.b64decode(self.research_key.get_secret_value())
        return secret_kept_in(self.var_dir, "reporting-research.key")
