"""Composition root of the notifications service."""

from __future__ import annotations

from steiger.notifications.api import DOMAIN_ERRORS, router
from steiger.notifications.application import NotificationsApplication
from steiger.notifications.domain.reminder_policy import ReminderPolicy
from steiger.notifications.settings import Settings
from steiger.shared.eventstore import store_environment
from steiger.shared.service import ServiceParts, run_service
from steiger.shared.topics import CONSUMES


def parts(settings: Settings | None = None) -> ServiceParts:
    settings = settings or Settings()
    return ServiceParts(
        settings=settings,
        application=NotificationsApplication(
            store_environment(settings), ReminderPolicy(timezone=settings.timezone)
        ),
        routes=router,
        description="Critically timed reminders for planned actions.",
        domain_errors=DOMAIN_ERRORS,
        listens_to=CONSUMES["notifications"],
    )


def main() -> None:
    run_service(parts())
