"""Composition root of the reporting service."""

from __future__ import annotations

from steiger.reporting.api import DOMAIN_ERRORS, router
from steiger.reporting.application import ReportingApplication
from steiger.reporting.settings import Settings
from steiger.shared.eventstore import store_environment
from steiger.shared.service import ServiceParts, run_service
from steiger.shared.topics import CONSUMES


def parts(settings: Settings | None = None) -> ServiceParts:
    settings = settings or Settings()
    return ServiceParts(
        settings=settings,
        application=ReportingApplication(store_environment(settings)),
        routes=router,
        description="Progress views projected from the other services' events.",
        domain_errors=DOMAIN_ERRORS,
        listens_to=CONSUMES["reporting"],
    )


def main() -> None:
    run_service(parts())
