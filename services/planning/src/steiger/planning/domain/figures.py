"""A participant's figures, from their goals and meetings (no I/O)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from steiger.planning.domain.goal import Goal
from steiger.planning.domain.meeting import Meeting


def participant_figures(
    goals: list[Goal], meetings: list[Meeting], today: dt.date
) -> dict[str, Any]:
    actions = [a for g in goals for a in g.actions.values()]
    held = sorted((m for m in meetings if m.held), key=lambda m: str((m.held or {})["held_on"]))
    return {
        "deadlines": {
            "met": sum(1 for a in actions if a.status == "completed" and a.completed_on_time),
            "completed_late": sum(
                1 for a in actions if a.status == "completed" and not a.completed_on_time
            ),
            "missed": sum(1 for a in actions if a.status == "missed"),
            "open": sum(1 for a in actions if a.status == "planned"),
            "overdue": sum(1 for a in actions if a.status == "planned" and a.due_on < today),
        },
        "goals": {
            status: sum(1 for g in goals if g.status == status)
            for status in ("active", "achieved", "discontinued")
        },
        "crisis_share_by_meeting": [
            {"held_on": m.held["held_on"], "crisis_share": m.crisis_share}
            for m in held
            if m.held is not None
        ],
    }
