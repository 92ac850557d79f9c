"""Composition root of the planning service."""

from __future__ import annotations

from steiger.planning.api import DOMAIN_ERRORS, router
from steiger.planning.application import PlanningApplication
from steiger.planning.settings import Settings
from steiger.shared.eventstore import store_environment
from steiger.shared.reference import Vocabulary
from steiger.shared.service import ServiceParts, daily_work, run_service
from steiger.shared.topics import CONSUMES


def parts(settings: Settings | None = None) -> ServiceParts:
    settings = settings or Settings()
    application = PlanningApplication(
        store_environment(settings), Vocabulary.load(settings.definitions_dir, settings.menu_file)
    )
    return ServiceParts(
        settings=settings,
        application=application,
        routes=router,
        description="Goal-action plans: goals per Bridge column, action steps, deadlines.",
        domain_errors=DOMAIN_ERRORS,
        listens_to=CONSUMES["planning"],
        participant_of={
            "goal_id": application.participant_of_goal,
            "meeting_id": application.participant_of_meeting,
        },
        background=[
            # the missed-action detector: each action is marked missed once
            daily_work(
                application.detect_missed_actions,
                settings.missed_check_seconds,
                settings.zone,
                "actions missed",
            )
        ],
    )


def main() -> None:
    run_service(parts())
