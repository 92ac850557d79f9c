"""Composition root of the participant service."""

from __future__ import annotations

from steiger.participant.api import DOMAIN_ERRORS, audit_router, router
from steiger.participant.application import ParticipantApplication
from steiger.participant.domain.retention import RetentionPolicy
from steiger.participant.settings import Settings
from steiger.shared.eventstore import store_environment
from steiger.shared.service import ServiceParts, daily_work, run_service


def parts(settings: Settings | None = None) -> ServiceParts:
    settings = settings or Settings()
    application = ParticipantApplication(
        store_environment(settings),
        peer_urls=settings.peer_urls,
        retention=RetentionPolicy(settings.retention_years),
    )
    return ServiceParts(
        settings=settings,
        application=application,
        routes=router,
        description="Who a participant is. Other services know only the pseudonymous id.",
        domain_errors=DOMAIN_ERRORS,
        audit_routes=audit_router,
        background=[
            daily_work(
                lambda today: len(application.apply_retention(today)),
                settings.retention_check_seconds,
                settings.zone,
                "retention: files erased",
            )
        ],
    )


def main() -> None:
    run_service(parts())
