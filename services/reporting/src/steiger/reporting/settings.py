from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from steiger.shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="STEIGER_REPORTING_")
    service = "reporting"
    port: int = 8006
    producer_urls: dict[str, str] = {
        "participant": "http://127.0.0.1:8001",
        "bridge": "http://127.0.0.1:8002",
        "planning": "http://127.0.0.1:8003",
        "rewards": "http://127.0.0.1:8004",
    }
    """Where the producers answer: a replay from the stores reads their /outbox (JSON)."""
