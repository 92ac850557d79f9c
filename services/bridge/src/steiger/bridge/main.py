"""Composition root of the bridge service."""

from __future__ import annotations

from steiger.bridge.api import DOMAIN_ERRORS, router
from steiger.bridge.application import BridgeApplication
from steiger.bridge.cost_tables import load_cost_tables
from steiger.bridge.definitions import load_definitions
from steiger.bridge.job_catalogues import load_job_catalogues
from steiger.bridge.questionnaires import load_executive_skills
from steiger.bridge.settings import Settings
from steiger.shared.eventstore import store_environment
from steiger.shared.service import ServiceParts, run_service
from steiger.shared.topics import CONSUMES


def parts(settings: Settings | None = None) -> ServiceParts:
    settings = settings or Settings()
    return ServiceParts(
        settings=settings,
        application=BridgeApplication(
            store_environment(settings),
            load_definitions(settings.definitions_dir),
            load_cost_tables(settings.cost_tables_dir),
            load_executive_skills(settings.executive_skills_file),
            load_job_catalogues(settings.job_catalogues_dir),
        ),
        routes=router,
        description="The Bridge to Self-Sufficiency: versioned definitions and positions.",
        domain_errors=DOMAIN_ERRORS,
        listens_to=CONSUMES["bridge"],
    )


def main() -> None:
    run_service(parts())
