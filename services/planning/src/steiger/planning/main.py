"""Composition root of the planning service."""

from __future__ import annotations

from steiger.planning.api import DOMAIN_ERRORS, router
from steiger.planning.application import PlanningApplication
from steiger.planning.contracts import to_contract
from steiger.planning.settings import Settings
from steiger.shared.eventstore import store_environment
from steiger.shared.service import ServiceParts, run_service


def parts(settings: Settings | None = None) -> ServiceParts:
    settings = settings or Settings()
    return ServiceParts(
        settings=settings,
        application=PlanningApplication(store_environment(settings)),
        routes=router,
        description="Goal-action plans: goals per Bridge column, action steps, deadlines.",
        domain_errors=DOMAIN_ERRORS,
        translate=to_contract,
    )


def main() -> None:
    run_service(parts())
