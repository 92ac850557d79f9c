"""Composition root of the rewards service."""

from __future__ import annotations

from steiger.rewards.anniversaries import anniversary_awards
from steiger.rewards.api import DOMAIN_ERRORS, router
from steiger.rewards.application import RewardsApplication
from steiger.rewards.contracts import to_contract
from steiger.rewards.menus import load_menu
from steiger.rewards.settings import Settings
from steiger.shared.eventstore import store_environment
from steiger.shared.service import ServiceParts, run_service
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
        translate=to_contract,
        listens_to=CONSUMES["rewards"],
        background=[anniversary_awards(application, settings.anniversary_check_seconds)],
    )


def main() -> None:
    run_service(parts())
