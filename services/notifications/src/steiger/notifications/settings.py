from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from steiger.notifications.domain.sharing import RETRY_AFTER
from steiger.shared.services import DEFAULT_PORTS, url_of
from steiger.shared.settings import ServiceSettings, key_from, secret_kept_in


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="STEIGER_NOTIFICATIONS_")
    service = "notifications"
    port: int = DEFAULT_PORTS["notifications"]
    reminder_days_before: tuple[int, ...] = (2, 0)
    """The organisation's reminder policy: days before the due date (JSON list)."""
    dispatch_seconds: float = 15.0
    """How often the dispatcher looks for notifications that fell due."""
    dispatch_concurrency: int = Field(8, ge=1, le=64)
    """Participants whose due notifications are sent side by side (each one's in order).
    After a crash, the messages that were in flight (at most this many) go out again, with
    the same idempotency key."""
    templates_dir: Path | None = None
    """The organisation's own templates (<language>/<kind>.txt), over the built-in ones."""
    participant_url: str = Field(default_factory=lambda: url_of("participant"))
    planning_url: str = Field(default_factory=lambda: url_of("planning"))
    public_url: str = Field(default_factory=lambda: url_of("notifications"))
    """Where participants' calendar apps reach this service (for feed addresses)."""
    feed_secret: SecretStr | None = None
    """Signs calendar-feed addresses (base64); made once in the var directory by default."""

    smtp_host: str | None = None
    """E-mail over SMTP. Unset: e-mail is written to var/mail/ as .eml files (development)."""
    smtp_port: int = 25
    smtp_sender: str = "Steiger <noreply@steiger.example>"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    sms_url: str | None = None
    """The SMS provider's send endpoint; unset: no SMS."""
    sms_token: SecretStr = SecretStr("")
    sms_sender: str = "Steiger"
    webhook_url: str | None = None
    """The organisation's app receiving signed messages; unset: no webhook channel."""
    webhook_secret: SecretStr | None = None
    """Standard Webhooks secret, 'whsec_' + base64."""

    partner_secret: SecretStr | None = None
    """Derives the partners' pseudonyms and feed cursors (base64, 32 bytes); made once in the
    var directory by default. Changing it gives every participant new pseudonyms."""
    partner_concurrency: int = Field(8, ge=1, le=64)
    """Participants served side by side per partner subscription (each one's events in order)."""
    partner_timeout_seconds: float = Field(10.0, gt=0, le=60)
    """How long a partner's receiver may take to answer before the attempt counts as failed."""
    partner_recheck_seconds: float = Field(30.0, gt=0, le=3600)
    """At most this long between looks at a failing partner delivery whose retry is due."""

    partner_backoff_seconds: tuple[float, ...] = Field(
        tuple(p.total_seconds() for p in RETRY_AFTER), min_length=1
    )
    """Pauses between attempts of a failing partner delivery (JSON list); the last repeats
    until the delivery has failed for three days and is parked."""

    partner_feed_wait_seconds: float = Field(30.0, ge=0, le=30)
    """The longest a feed request waits for an event (`wait`), however long it asks."""

    def partner_backoff(self) -> tuple[dt.timedelta, ...]:
        return tuple(dt.timedelta(seconds=s) for s in self.partner_backoff_seconds)

    def partner_secret_bytes(self) -> bytes:
        """Every process of the service must derive the same pseudonyms: on PostgreSQL (more
        processes, on more machines) it is therefore required."""
        return key_from(
            self.partner_secret,
            "STEIGER_NOTIFICATIONS_PARTNER_SECRET",
            self.var_dir,
            "notifications-partners.key",
            required=self.database_url is not None,
        )

    def feed_secret_bytes(self) -> bytes:
        if self.feed_secret is not None:
            return base64.b64decode(self.feed_secret.get_secret_value())
        return secret_kept_in(self.var_dir, "notifications-feed.key")
