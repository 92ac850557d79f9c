"""The scoring model: points per step, a score per pillar and in total, and the change since
intake (the first assessment) and since the previous one — per column, pillar and total, so a
step back on one pillar beside steps forward on another stays visible."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from steiger.bridge.domain.definition import BridgeDefinition
from steiger.bridge.domain.record import Position


def _assessments(positions: Iterable[Position]) -> list[tuple[dt.datetime, UUID, list[Position]]]:
    grouped: dict[UUID, list[Position]] = {}
    for position in positions:
        grouped.setdefault(position.assessment_id, []).append(position)
    return sorted(((ps[0].assessed_at, aid, ps) for aid, ps in grouped.items()), key=lambda a: a[0])


def _score(state: dict[str, Position], definition: BridgeDefinition) -> dict[str, Any]:
    pillars: dict[str, int] = {}
    for column_id, position in state.items():
        pillar = definition.pillar_of(column_id)
        pillars[pillar] = pillars.get(pillar, 0) + position.points
    return {
        "columns": {c: {"step": p.step, "points": p.points} for c, p in state.items()},
        "pillars": pillars,
        "total": sum(pillars.values()),
    }


def _change(later: dict[str, Any], earlier: dict[str, Any]) -> dict[str, Any]:
    return {
        "columns": {
            c: v["points"] - earlier["columns"].get(c, {"points": 0})["points"]
            for c, v in later["columns"].items()
        },
        "pillars": {p: v - earlier["pillars"].get(p, 0) for p, v in later["pillars"].items()},
        "total": later["total"] - earlier["total"],
    }


def score_history(positions: list[Position], definition: BridgeDefinition) -> dict[str, Any]:
    """Scores after each assessment on `definition` (later assessments carry earlier columns
    forward), and the changes since intake and since the previous assessment."""
    state: dict[str, Position] = {}
    timeline = []
    for assessed_at, assessment_id, assessed in _assessments(
        p for p in positions if p.definition_id == definition.id
    ):
        for position in assessed:
            state[position.column] = position
        timeline.append(
            {"assessed_at": assessed_at, "assessment_id": assessment_id,
             **_score(state, definition)}
        )  # fmt: skip
    if not timeline:
        return {"definition_id": definition.id, "timeline": []}
    intake, latest = timeline[0], timeline[-1]
    previous = timeline[-2] if len(timeline) > 1 else intake
    return {
        "definition_id": definition.id,
        "intake": intake,
        "latest": latest,
        "change_since_intake": _change(latest, intake),
        "change_since_previous": _change(latest, previous),
        "timeline": timeline,
    }
