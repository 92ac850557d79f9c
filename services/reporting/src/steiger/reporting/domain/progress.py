"""A participant's progress, as reporting sees it: facts projected from other services'
events, each with the moment it happened, so any view can be asked "as of" a past date.

Keys are strings (ids as text): the whole state must serialise as JSON for snapshots.

An entry (a goal, an action, a position, …) is never changed in place: a change puts a new
one in its place, and a position history is replaced, not appended to. So a copy of the
progress (the repository hands one to every incoming event) owns its dicts and lists and
shares the entries in them, a tenth of the cost of copying every entry (docs/benchmarks.md,
"Measurements behind the code"), and a view made earlier never changes under its reader."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Self
from uuid import UUID

from eventsourcing.domain import Aggregate, event


class Progress(Aggregate):
    if TYPE_CHECKING:  # made by the @event decorators below (dynamic: typed Any)
        Started: ClassVar[type[Any]]
        ProfileNoted: ClassVar[type[Any]]
        PositionNoted: ClassVar[type[Any]]
        PositionCorrectionNoted: ClassVar[type[Any]]
        GoalNoted: ClassVar[type[Any]]
        GoalClosedNoted: ClassVar[type[Any]]
        ActionPlannedNoted: ClassVar[type[Any]]
        ActionCompletedNoted: ClassVar[type[Any]]
        ActionRescheduledNoted: ClassVar[type[Any]]
        ActionClosedNoted: ClassVar[type[Any]]
        RewardNoted: ClassVar[type[Any]]
        RewardReversalNoted: ClassVar[type[Any]]
        ConsentNoted: ClassVar[type[Any]]
        ConsentWithdrawalNoted: ClassVar[type[Any]]
        StatusNoted: ClassVar[type[Any]]
        MentorNoted: ClassVar[type[Any]]
        MeetingNoted: ClassVar[type[Any]]
        OutcomesNoted: ClassVar[type[Any]]

    @staticmethod
    def create_id(participant_id: UUID) -> UUID:
        return participant_id

    @event("Started")
    def __init__(self, participant_id: UUID) -> None:
        self.participant_id = participant_id
        self.profile: dict[str, Any] = {}
        self.positions: dict[str, list[dict[str, Any]]] = {}
        self.goals: dict[str, dict[str, Any]] = {}
        self.actions: dict[str, dict[str, Any]] = {}
        self.rewards: dict[str, dict[str, Any]] = {}
        self.consents: list[dict[str, Any]] = []
        """Grants and withdrawals in the order they happened."""
        self.statuses: list[dict[str, Any]] = []
        self.mentors: list[dict[str, Any]] = []
        self.meetings: dict[str, dict[str, Any]] = {}
        self.outcomes: list[dict[str, Any]] = []
        """The outcome facts (Table 4) at each assessment, in the order assessed."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        """Its own dicts and lists, the entries in them shared (see above)."""
        twin = object.__new__(type(self))
        for name, value in vars(self).items():
            twin.__dict__[name] = value.copy() if type(value) in (dict, list) else value
        return twin

    @event("OutcomesNoted")
    def note_outcomes(
        self, assessment_id: str, facts: dict[str, Any], assessed_at: dt.datetime
    ) -> None:
        # a progress kept (snapshot) before outcomes were noted has none yet
        history = [o for o in getattr(self, "outcomes", []) if o["assessment_id"] != assessment_id]
        entry = {"assessment_id": assessment_id, "facts": facts, "assessed_at": assessed_at}
        self.outcomes = sorted([*history, entry], key=lambda o: o["assessed_at"])

    @event("ProfileNoted")
    def note_profile(
        self,
        programme: str,
        cohort: str,
        municipality: str,
        registered_at: dt.datetime,
        neighbourhood: str | None = None,
        target_group: str | None = None,
    ) -> None:
        self.profile = {
            "programme": programme,
            "cohort": cohort,
            "municipality": municipality,
            "neighbourhood": neighbourhood,
            "target_group": target_group,
            "registered_at": registered_at,
        }

    @event("PositionNoted")
    def note_position(
        self, column: str, step: int, points: int, definition: str, assessed_at: dt.datetime
    ) -> None:
        history = self.positions.get(column, [])
        entry = {
            "step": step,
            "points": points,
            "definition": definition,
            "assessed_at": assessed_at,
        }
        if not history or history[-1]["assessed_at"] < assessed_at:
            self.positions[column] = [*history, entry]  # the usual case: the newest one
        elif all(p["assessed_at"] != assessed_at for p in history):  # not the same one again
            self.positions[column] = sorted([*history, entry], key=lambda p: p["assessed_at"])

    @event("PositionCorrectionNoted")
    def note_position_corrected(
        self, column: str, step: int, points: int, assessed_at: dt.datetime
    ) -> None:
        if column in self.positions:
            self.positions[column] = [
                {**entry, "step": step, "points": points, "corrected": True}
                if entry["assessed_at"] == assessed_at
                else entry
                for entry in self.positions[column]
            ]

    @event("GoalNoted")
    def note_goal(
        self,
        goal_id: UUID,
        horizon: str,
        column: str | None,
        target_step: int | None,
        set_at: dt.datetime | None = None,
    ) -> None:
        goal = self.goals.get(str(goal_id)) or {"goal_id": str(goal_id), "closed_on": None}
        self.goals[str(goal_id)] = {
            **goal,
            "horizon": horizon,
            "column": column,
            "target_step": target_step,
            "set_at": set_at,
            "status": goal.get("status", "active"),
        }

    @event("GoalClosedNoted")
    def note_goal_closed(self, goal_id: UUID, status: str, on: dt.date) -> None:
        goal = self.goals.get(str(goal_id)) or {"goal_id": str(goal_id), "set_at": None}
        self.goals[str(goal_id)] = {**goal, "status": status, "closed_on": on}

    @event("ActionPlannedNoted")
    def note_action_planned(
        self, action_id: UUID, goal_id: UUID, due_on: dt.date, planned_at: dt.datetime | None = None
    ) -> None:
        action = self.actions.get(str(action_id)) or {"status": "planned", "closed_at": None}
        self.actions[str(action_id)] = {
            **action,
            "action_id": str(action_id),
            "goal_id": str(goal_id),
            "planned_at": planned_at,
            "due_on": action.get("due_on", due_on),
        }

    @event("ActionCompletedNoted")
    def note_action_completed(
        self,
        action_id: UUID,
        goal_id: UUID,
        due_on: dt.date,
        completed_at: dt.datetime,
        on_time: bool,
    ) -> None:
        self.actions[str(action_id)] = {
            **(self.actions.get(str(action_id)) or {"planned_at": None}),
            "action_id": str(action_id),
            "goal_id": str(goal_id),
            "due_on": due_on,
            "status": "completed",
            "closed_at": completed_at,
            "on_time": on_time,
        }

    @event("ActionRescheduledNoted")
    def note_action_rescheduled(self, action_id: UUID, due_on: dt.date) -> None:
        action = self.actions.get(str(action_id))
        if action is not None:
            self.actions[str(action_id)] = {**action, "due_on": due_on}

    @event("ActionClosedNoted")
    def note_action_closed(
        self, action_id: UUID, status: str, at: dt.datetime | None = None
    ) -> None:
        action = self.actions.get(str(action_id))
        if action is not None and action["status"] == "planned":
            self.actions[str(action_id)] = {**action, "status": status, "closed_at": at}

    @event("RewardNoted")
    def note_reward(
        self, reward_id: UUID, item_id: str, amount: Decimal, currency: str, earned_at: dt.datetime
    ) -> None:
        self.rewards[str(reward_id)] = {
            **(self.rewards.get(str(reward_id)) or {"reversed_at": None}),
            "reward_id": str(reward_id),
            "item_id": item_id,
            "amount": amount,
            "currency": currency,
            "earned_at": earned_at,
        }

    @event("RewardReversalNoted")
    def note_reward_reversed(self, reward_id: UUID, at: dt.datetime | None = None) -> None:
        reward = self.rewards.get(str(reward_id))
        if reward is not None:
            self.rewards[str(reward_id)] = {**reward, "reversed_at": at or reward["earned_at"]}

    @event("ConsentNoted")
    def note_consent(
        self, purpose: str, partner: str | None, categories: list[str], granted_on: dt.date
    ) -> None:
        self.consents.append(
            {"purpose": purpose, "partner": partner, "categories": categories, "on": granted_on,
             "granted": True}
        )  # fmt: skip

    @event("ConsentWithdrawalNoted")
    def note_consent_withdrawn(
        self, purpose: str, partner: str | None, withdrawn_on: dt.date | None = None
    ) -> None:
        self.consents.append(
            {"purpose": purpose, "partner": partner, "on": withdrawn_on, "granted": False}
        )

    @event("StatusNoted")
    def note_status(self, status: str, exit_reason: str | None, changed_on: dt.date) -> None:
        self.statuses.append({"status": status, "exit_reason": exit_reason, "since": changed_on})
        self.statuses.sort(key=lambda s: s["since"])

    @event("MentorNoted")
    def note_mentor(self, mentor_id: UUID, assigned_on: dt.date) -> None:
        self.mentors.append({"mentor_id": str(mentor_id), "since": assigned_on})
        self.mentors.sort(key=lambda m: m["since"])

    @event("MeetingNoted")
    def note_meeting(
        self, meeting_id: UUID, held_on: dt.date, crisis_minutes: int, goal_minutes: int
    ) -> None:
        self.meetings[str(meeting_id)] = {
            "held_on": held_on,
            "crisis_minutes": crisis_minutes,
            "goal_minutes": goal_minutes,
        }
