"""Finding goals: the method's cycle starts from the Bridge. From the latest assessment each
column not yet at its top step offers a potential goal — its next step — and the participant
picks the ones that matter to them and puts them in order. The chosen priorities are what
goals are then set from (planning)."""

from __future__ import annotations

from typing import Any

from steiger.bridge.domain.definition import BridgeDefinition
from steiger.bridge.domain.errors import UnknownPosition
from steiger.bridge.domain.record import Position


def potential_goals(
    definition: BridgeDefinition, latest: dict[str, Position]
) -> list[dict[str, Any]]:
    """Per assessed column below its top step, the next step up; the lowest steps first (where
    the Bridge says most is at stake), then in the definition's order."""
    found: list[tuple[tuple[int, int], dict[str, Any]]] = []
    for order, column in enumerate(definition.columns):
        position = latest.get(column.id)
        if position is None or position.step >= len(column.steps):
            continue
        now, target = column.step(position.step), column.step(position.step + 1)
        goal = {
            "column": column.id,
            "name": column.name,
            "step": now.step,
            "now": {"nl": now.nl, "en": now.en},
            "target_step": target.step,
            "target": {"nl": target.nl, "en": target.en},
            "points_gained": target.points - now.points,
        }
        found.append(((now.step, order), goal))
    return [goal for _, goal in sorted(found, key=lambda f: f[0])]


def checked_priorities(
    definition: BridgeDefinition, latest: dict[str, Position], chosen: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The participant's choice, in their order: each a column of the definition, once, with
    a target above where they stand now. Ranked from 1."""
    columns = {c.id: c for c in definition.columns}
    seen: set[str] = set()
    ranked = []
    for index, choice in enumerate(chosen):
        at = f"priorities.{index}"
        column = columns.get(choice["column"])
        if column is None:
            raise UnknownPosition(
                f"{definition.id} {definition.version} has no column {choice['column']!r}",
                field=f"{at}.column",
            )
        if column.id in seen:
            raise UnknownPosition(f"{column.id!r} is chosen twice", field=f"{at}.column")
        seen.add(column.id)
        target = choice.get("target_step")
        now = latest[column.id].step if column.id in latest else 0
        if target is None:
            target = now + 1
        if not now < target <= len(column.steps):
            raise UnknownPosition(
                f"{column.id!r} stands at step {now}: a target runs from {now + 1} to "
                f"{len(column.steps)}",
                field=f"{at}.target_step",
            )
        ranked.append({"rank": index + 1, "column": column.id, "target_step": target})
    return ranked
