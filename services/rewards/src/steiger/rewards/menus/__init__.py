"""The rewards menu this service applies: Steiger's Dutch menu from the reference data
(steiger.shared.reference), or the organisation's own."""

from __future__ import annotations

from pathlib import Path

from steiger.rewards.domain.menu import RewardsMenu
from steiger.shared import reference


def load_menu(path: Path | None = None) -> RewardsMenu:
    return RewardsMenu.from_data(reference.menu(path))
