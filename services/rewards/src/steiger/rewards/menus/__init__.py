"""Shipped rewards menus (JSON)."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

from steiger.rewards.domain.menu import RewardsMenu


def load_menu(path: Path | None = None) -> RewardsMenu:
    source = Path(path) if path else files(__package__).joinpath("steiger-nl-2026.json")
    return RewardsMenu.from_data(json.loads(source.read_text(encoding="utf-8")))
