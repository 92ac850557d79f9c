"""Composition root of the notifications service."""

from __future__ import annotations

import datetime as dt

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
from steiger.notifications.domain.timing import ReminderPolicy
from steiger.notifications.lookups import ParticipantDirectory, PlanningDetails
from steiger.notifications.messages import MessageTemplates
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
            periodic(dispatcher.run_once, settings.dispatch_seconds, "notifications dispatched")
        ],
    )


def main() -> None:
    run_service(parts())
