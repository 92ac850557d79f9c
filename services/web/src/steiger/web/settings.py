"""The web app's settings, from the environment (STEIGER_WEB_*), as the services read theirs."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from steiger.shared.services import SERVICES, urls_of

WEB_PORT = 8000


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STEIGER_WEB_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = WEB_PORT
    public_url: str = Field(
        f"http://127.0.0.1:{WEB_PORT}",
        description="where users reach the app; the issuer sends them back to "
        "<public_url>/signin/callback",
    )
    oidc_issuer: str | None = Field(
        default_factory=lambda: os.environ.get("STEIGER_OIDC_ISSUER"),
        description="the organisation's OpenID Connect issuer (STEIGER_OIDC_ISSUER)",
    )
    client_id: str = "steiger-web"
    """A public client: the authorization code flow with PKCE, no secret."""
    session_key: SecretStr | None = None
    """32 bytes, base64: seals the session cookie. Unset: one kept in var/ (one process)."""
    idle_minutes: int = Field(30, ge=1, le=480)
    """A session not used for this long is over."""
    session_hours: int = Field(9, ge=1, le=24)
    """A session ends after this long, used or not: a working day."""
    consent_text_version: str = Field("2026-01", min_length=1, max_length=32)
    """The version of the organisation's consent texts a mentor records, unless they say
    another (the participant signed that text)."""
    var_dir: Path = Field(default_factory=lambda: Path(os.environ.get("STEIGER_VAR_DIR", "var")))
    service_urls: dict[str, str] = Field(default_factory=lambda: urls_of(SERVICES))
    """Where each of the six services answers (STEIGER_<SERVICE>_HOST/_PORT, as everywhere)."""

    @property
    def secure_cookies(self) -> bool:
        """Secure cookies everywhere but a plain-http address on this machine (development)."""
        return not self.public_url.startswith(("http://127.0.0.1", "http://localhost"))
