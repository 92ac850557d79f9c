"""A participant's goal-action plan: which goals and meetings are theirs, whether the
participant service registered (or erased) them, their pauses, the time of day they
prefer, and the weaker executive functions of their latest profile (from bridge), whose
supports a new goal suggests."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from steiger.planning.domain.meeting_times import PartOfDay


class Plan(Aggregate):
    if TYPE_CHECKING:  # made by the @event decorators below (dynamic: typed Any)
        Started: ClassVar[type[Any]]
        ParticipantRegistered: ClassVar[type[Any]]
        ParticipantErased: ClassVar[type[Any]]
        GoalAdded: ClassVar[type[Any]]
        MeetingAdded: ClassVar[type[Any]]
        SkillsProfiled: ClassVar[type[Any]]
        Paused: ClassVar[type[Any]]
        TimeOfDayPreferred: ClassVar[type[Any]]
        PrioritiesNoted: ClassVar[type[Any]]
        Resumed: ClassVar[type[Any]]

    @staticmethod
    def create_id(participant_id: UUID) -> UUID:
        return participant_id

    @event("Started")
    def __init__(self, participant_id: UUID) -> None:
        self.participant_id = participant_id
        self.goal_ids: list[UUID] = []
        self.meeting_ids: list[UUID] = []
        self.registered = False
        self.erased = False
        self.pauses: list[tuple[dt.date, dt.date | None]] = []
        """(from, until): returning without penalty, nothing due in a pause counts as missed."""
        self.weaker_functions: list[str] = []
        self.preferred_time_of_day: PartOfDay | None = None
        self.priorities: list[dict[str, Any]] = []
        """The potential goals the participant chose from the Bridge, ranked (bridge's)."""
        self.priorities_chosen_at: dt.datetime | None = None
        self.goals_from_priority: dict[int, list[UUID]] = {}
        self.profiled_at: dt.datetime | None = None

    def note_registration(self) -> None:
        if not self.registered:
            self._registered()

    @event("ParticipantRegistered")
    def _registered(self) -> None:
        self.registered = True

    def note_erasure(self) -> None:
        if not self.erased:
            self._erased()

    @event("ParticipantErased")
    def _erased(self) -> None:
        self.erased = True

    @event("GoalAdded")
    def add_goal(self, goal_id: UUID, priority: int | None = None) -> None:
        """`priority`: the rank of the chosen priority the goal was set from, if it was."""
        self.goal_ids.append(goal_id)
        if priority is not None:
            self.goals_from_priority.setdefault(priority, []).append(goal_id)

    def note_priorities(
        self,
        definition_id: str,
        definition_version: str,
        priorities: list[dict[str, Any]],
        chosen_at: dt.datetime,
    ) -> None:
        """A later choice replaces an earlier one; one arriving late changes nothing."""
        if self.priorities_chosen_at is None or chosen_at >= self.priorities_chosen_at:
            self._priorities_noted(definition_id, definition_version, priorities, chosen_at)

    @event("PrioritiesNoted")
    def _priorities_noted(
        self,
        definition_id: str,
        definition_version: str,
        priorities: list[dict[str, Any]],
        chosen_at: dt.datetime,
    ) -> None:
        self.priorities = [
            {**p, "definition_id": definition_id, "definition_version": definition_version}
            for p in priorities
        ]
        self.priorities_chosen_at = chosen_at
        self.goals_from_priority = {}

    def priority(self, rank: int) -> dict[str, Any] | None:
        return next((p for p in self.priorities if p["rank"] == rank), None)

    def note_status(self, status: str, on: dt.date) -> None:
        paused = bool(self.pauses) and self.pauses[-1][1] is None
        if status == "paused" and not paused:
            self._paused(on)
        elif status == "active" and paused:
            self._resumed(on)

    @event("Paused")
    def _paused(self, on: dt.date) -> None:
        self.pauses.append((on, None))

    @event("Resumed")
    def _resumed(self, on: dt.date) -> None:
        self.pauses[-1] = (self.pauses[-1][0], on)

    def paused_on(self, day: dt.date) -> bool:
        """Whether the participant was (or is) paused on `day`: from the day of pausing up
        to, not including, the day of resuming."""
        return any(start <= day and (until is None or day < until) for start, until in self.pauses)

    def note_time_of_day(self, time_of_day: PartOfDay) -> None:
        """From the participant's contact preferences: when meetings suit them best."""
        if time_of_day != self.preferred_time_of_day:
            self._time_of_day_preferred(time_of_day)

    @event("TimeOfDayPreferred")
    def _time_of_day_preferred(self, time_of_day: PartOfDay) -> None:
        self.preferred_time_of_day = time_of_day

    def note_profile(self, weaker: list[str], assessed_at: dt.datetime) -> None:
        """A later profile replaces an earlier one; one arriving late changes nothing."""
        if self.profiled_at is None or assessed_at >= self.profiled_at:
            self._profiled(weaker, assessed_at)

    @event("SkillsProfiled")
    def _profiled(self, weaker: list[str], assessed_at: dt.datetime) -> None:
        self.weaker_functions = list(weaker)
        self.profiled_at = assessed_at

    @event("MeetingAdded")
    def add_meeting(self, meeting_id: UUID) -> None:
        self.meeting_ids.append(meeting_id)
