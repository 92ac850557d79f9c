"""Shipped questionnaires (JSON): the executive skills assessment, one file per version."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

from steiger.bridge.domain.executive_skills import ExecutiveSkillsQuestionnaire, Questionnaires


def load_executive_skills(path: Path | None = None) -> Questionnaires:
    """Ours (the latest current), or the organisation's own file (validated the same way)."""
    shipped = sorted(
        (f for f in files(__package__).iterdir() if f.name.endswith(".json")), key=lambda f: f.name
    )
    sources = [*shipped, Path(path)] if path else shipped
    loaded = [
        ExecutiveSkillsQuestionnaire.from_data(json.loads(s.read_text(encoding="utf-8")))
        for s in sources
    ]
    return Questionnaires(loaded[-1], {q.ref: q for q in loaded})
