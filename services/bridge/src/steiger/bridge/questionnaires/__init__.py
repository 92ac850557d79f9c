"""Shipped questionnaires (JSON): the executive skills assessment."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

from steiger.bridge.domain.executive_skills import ExecutiveSkillsQuestionnaire


def load_executive_skills(path: Path | None = None) -> ExecutiveSkillsQuestionnaire:
    """Ours, or the organisation's own statement texts (validated the same way)."""
    source = Path(path) if path else files(__package__).joinpath("executive-skills-2026.json")
    return ExecutiveSkillsQuestionnaire.from_data(json.loads(source.read_text(encoding="utf-8")))
