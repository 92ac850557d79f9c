"""A meeting of participant and mentor: scheduled, then held.

The minutes spent on crisis management versus goal attainment follow the Framework for
sustained behaviour change: the share of crisis time should fall as the plan takes hold.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from steiger.planning.domain.errors import InvalidChange


class Meeting(Aggregate):
    if TYPE_CHECKING:  # made by the @event decorators below (dynamic: typed Any)
        Scheduled: ClassVar[type[Any]]
        Held: ClassVar[type[Any]]

    @event("Scheduled")
    def __init__(
        self, participant_id: UUID, at: dt.datetime, place: str | None, difficult: bool = False
    ) -> None:
        """`difficult`: a hard conversation, best held in the morning (meeting_times)."""
        self.participant_id = participant_id
        self.at = at
        self.place = place
        self.difficult = difficult
        self.held: dict[str, Any] | None = None

    @property
    def crisis_share(self) -> float | None:
        if not self.held:
            return None
        crisis, goals = self.held["crisis_minutes"], self.held["goal_minutes"]
        return round(crisis / (crisis + goals), 3) if crisis + goals else None

    def hold(
        self,
        held_on: dt.date,
        duration_minutes: int,
        crisis_minutes: int,
        goal_minutes: int,
        topics: list[str],
        summary: str,
        goal_ids: list[UUID],
        action_ids: list[UUID],
        risks: list[str],
    ) -> None:
        if self.held is not None:
            raise InvalidChange(f"meeting {self.id} was already recorded", field="meeting_id")
        if crisis_minutes + goal_minutes > duration_minutes:
            raise InvalidChange(
                "crisis and goal minutes add up to more than the meeting lasted",
                field="crisis_minutes",
            )
        self._held(
            held_on, duration_minutes, crisis_minutes, goal_minutes, topics, summary,
            goal_ids, action_ids, risks, self.participant_id,
        )  # fmt: skip

    @event("Held")
    def _held(
        self,
        held_on: dt.date,
        duration_minutes: int,
        crisis_minutes: int,
        goal_minutes: int,
        topics: list[str],
        summary: str,
        goal_ids: list[UUID],
        action_ids: list[UUID],
        risks: list[str],
        participant_id: UUID,
    ) -> None:
        self.held = {
            "held_on": held_on,
            "duration_minutes": duration_minutes,
            "crisis_minutes": crisis_minutes,
            "goal_minutes": goal_minutes,
            "topics": topics,
            "summary": summary,
            "goal_ids": goal_ids,
            "action_ids": action_ids,
            "risks": risks,
        }
