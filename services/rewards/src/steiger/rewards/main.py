"""Composition root of the rewards service."""

from __future__ import annotations

from steiger.rewards.api import DOMAIN_ERRORS, router
from steiger.rewards.application import RewardsApplication
from steiger.rewards.domain.ledger import CALENDAR
from steiger.rewards.menus import load_menu
from steiger.rewards.settings import Settings
from steiger.shared.eventstore import store_environment
from steiger.shared.service import ServiceParts, daily_work, run_service
from steiger.shared.topics import CONSUMES


def parts(settings: Settings | None = None) -> ServiceParts:
    settings = settings or Settings()
    application = RewardsApplication(store_environment(settings), load_menu(settings.menu_file))
    return ServiceParts(
        settings=settings,
        application=application,
        routes=router,
        description="Rewards earned by the menu, exactly once per achievement.",
        domain_errors=DOMAIN_ERRORS,
        listens_to=CONSUMES["rewards"],
        background=[
            # each anniversary item once, when its years have passed since enrolment
            daily_work(
                application.award_anniversaries,
                settings.anniversary_check_seconds,
                CALENDAR,
                "anniversary rewards earned",
            )
        ],
    )


def main() -> None:
    run_service(parts())
