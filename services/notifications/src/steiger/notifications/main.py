"""Composition root of the notifications service."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable
from uuid import uuid5

from prometheus_client import Counter, Gauge

from steiger.notifications.api import DOMAIN_ERRORS, router
from steiger.notifications.application import NotificationsApplication
from steiger.notifications.calendar import FeedTokens
from steiger.notifications.channels import (
    Channel,
    MailDropChannel,
    SmsChannel,
    SmtpChannel,
    WebhookChannel,
)
from steiger.notifications.dispatcher import Dispatcher
from steiger.notifications.domain.partners import Partner
from steiger.notifications.domain.pseudonyms import Pseudonyms
from steiger.notifications.domain.timing import ReminderPolicy
from steiger.notifications.lookups import ParticipantDirectory, PlanningDetails
from steiger.notifications.messages import Message, MessageTemplates
from steiger.notifications.partner_delivery import PartnerDelivery
from steiger.notifications.partners import PartnerSharing
from steiger.notifications.settings import Settings
from steiger.shared.eventstore import store_environment
from steiger.shared.metrics import ServiceMetrics
from steiger.shared.service import ServiceParts, periodic, run_service
from steiger.shared.topics import CONSUMES


def channels(settings: Settings) -> dict[str, Channel]:
    found: dict[str, Channel] = {}
    if settings.smtp_host:
        found["email"] = SmtpChannel(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_sender,
            settings.smtp_username,
            settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            settings.smtp_starttls,
        )
    else:
        found["email"] = MailDropChannel(settings.var_dir / "mail", settings.smtp_sender)
    if settings.sms_url:
        found["sms"] = SmsChannel(
            settings.sms_url, settings.sms_token.get_secret_value(), settings.sms_sender
        )
    if settings.webhook_url and settings.webhook_secret:
        found["webhook"] = WebhookChannel(
            settings.webhook_url, settings.webhook_secret.get_secret_value()
        )
    return found


def contact_teller(email: Channel) -> Callable[[Partner, dt.datetime], None]:
    """How a partner's contact hears that deliveries to them have failed for an hour."""

    def tell(partner: Partner, since: dt.datetime) -> None:
        message = Message(
            f"Steiger: deliveries to {partner.name} are failing",
            f"Deliveries of events to {partner.name} ({partner.key}) have failed since "
            f"{since.isoformat(timespec='minutes')}. They are retried for three days, then "
            "parked; ask the administrator to resend them once the receiver works again.",
        )
        key = uuid5(partner.id, since.isoformat())
        email.send(partner.contact_email, message, key, partner.id)

    return tell


def parts(settings: Settings | None = None) -> ServiceParts:
    settings = settings or Settings()
    connections = settings.dispatch_concurrency  # one per dispatching thread
    credentials = settings.credentials()
    details = PlanningDetails(
        settings.planning_url, connections=connections, credentials=credentials
    )
    application = NotificationsApplication(
        store_environment(settings),
        ReminderPolicy(days_before=settings.reminder_days_before),
        settings.timezone,
        FeedTokens(settings.feed_secret_bytes()),
        details,
        settings.public_url,
    )
    available = channels(settings)
    partner_secret = settings.partner_secret_bytes()
    sharing = PartnerSharing(
        application,
        application.partner_index,
        Pseudonyms(partner_secret),
        hmac.new(partner_secret, b"feed cursors", hashlib.sha256).digest(),
        settings.source,
    )
    for channel in available.values():
        if isinstance(channel, MailDropChannel):  # Steiger's own copies: erased with the rest
            application.on_forgetting(channel.forget)
    dispatcher = Dispatcher(
        application,
        available,
        ParticipantDirectory(
            settings.participant_url, connections=connections, credentials=credentials
        ),
        details,
        MessageTemplates(settings.templates_dir, settings.timezone),
        concurrency=settings.dispatch_concurrency,
    )
    metrics = ServiceMetrics(settings.service)
    finished = Counter(
        "steiger_notifications",
        "Notifications finished, by how: sent, failed, skipped, cancelled",
        ["outcome"],
        registry=metrics.registry,
    )
    partner_deliveries = Counter(
        "steiger_partner_deliveries",
        "Webhook deliveries to chain partners, by partner and how they ended: accepted (2xx), "
        "failed (to be tried again), parked (failing for three days)",
        ["partner", "outcome"],
        registry=metrics.registry,
    )
    partner_delivery = PartnerDelivery(
        sharing,
        application.partner_index,
        contact_teller(available["email"]),
        concurrency=settings.partner_concurrency,
        timeout=settings.partner_timeout_seconds,
        recheck_seconds=settings.partner_recheck_seconds,
        backoff=settings.partner_backoff(),
        counted=lambda partner, outcome, n: partner_deliveries.labels(partner, outcome).inc(n),
    )
    application.outcome_listener = lambda outcome: finished.labels(outcome).inc()
    waiting = Gauge(
        "steiger_notifications_waiting",
        "Notifications not sent yet: all pending, and those due now",
        ["state"],
        registry=metrics.registry,
    )

    def count_waiting() -> None:
        for state, count in application.pending_count(dt.datetime.now(dt.UTC)).items():
            waiting.labels(state).set(count)

    return ServiceParts(
        settings=settings,
        application=application,
        metrics=metrics,
        scraped=[count_waiting],
        routes=router,
        description="Reminders, meeting summaries and celebrations over e-mail, SMS and "
        "webhook; a private calendar feed per participant.",
        domain_errors=DOMAIN_ERRORS,
        listens_to=CONSUMES["notifications"],
        background=[
            periodic(dispatcher.run_once, settings.dispatch_seconds, "notifications dispatched"),
            partner_delivery.run,
        ],
        state={
            "partner_sharing": sharing,
            "longest_feed_wait": settings.partner_feed_wait_seconds,
        },
    )


def main() -> None:
    run_service(parts())
