"""A goal of a participant's goal-action plan, with the small action steps under it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from steiger.planning.domain.errors import (
    ActionNotFound,
    ActionNotOpen,
    GoalNotActive,
    InvalidChange,
)

REVISABLE = frozenset(
    {"title", "target_step", "by_when", "specific", "measure", "why", "realistic_because",
     "supports", "challenges", "plan_b"}
)  # fmt: skip


@dataclass
class Action:
    action_id: UUID
    description: str
    owner: str
    due_on: dt.date
    reward_item: str | None
    partner: str | None = None  # the named partner who owns it, when the owner is a partner
    status: str = "planned"  # -> completed | cancelled | missed
    completed_at: dt.datetime | None = None
    completed_by: str | None = None
    reschedules: int = 0

    @property
    def completed_on_time(self) -> bool:
        return self.completed_at is not None and self.completed_at.date() <= self.due_on


class Goal(Aggregate):
    """Set -> revised (what changed, why) -> achieved, or discontinued (with the reason and
    the conversation about it, in the light of the long-term plan)."""

    if TYPE_CHECKING:  # made by the @event decorators below (dynamic: typed Any)
        Set: ClassVar[type[Any]]
        Revised: ClassVar[type[Any]]
        Achieved: ClassVar[type[Any]]
        Discontinued: ClassVar[type[Any]]
        Reflected: ClassVar[type[Any]]
        ActionPlanned: ClassVar[type[Any]]
        ActionCompleted: ClassVar[type[Any]]
        ActionRescheduled: ClassVar[type[Any]]
        ActionCancelled: ClassVar[type[Any]]
        ActionMissed: ClassVar[type[Any]]

    @event("Set")
    def __init__(
        self,
        participant_id: UUID,
        title: str,
        horizon: str,
        column: str | None,
        target_step: int | None,
        parent_goal_id: UUID | None = None,
        by_when: dt.date | None = None,
        specific: str | None = None,
        measure: str | None = None,
        why: str | None = None,
        realistic_because: str | None = None,
        supports: list[str] | None = None,
        challenges: list[str] | None = None,
        plan_b: str | None = None,
        definition_id: str | None = None,
        definition_version: str | None = None,
    ) -> None:
        self.participant_id = participant_id
        # the Bridge the column and target step refer to: a new version never changes this goal
        self.definition_id, self.definition_version = definition_id, definition_version
        self.title = title
        self.horizon = horizon
        self.column = column
        self.target_step = target_step
        self.parent_goal_id = parent_goal_id
        self.by_when = by_when
        self.specific, self.measure, self.why = specific, measure, why
        self.realistic_because = realistic_because
        self.supports, self.challenges = supports or [], challenges or []
        self.plan_b = plan_b
        self.status = "active"  # -> achieved | discontinued
        self.closed_on: dt.date | None = None
        self.discontinued: dict[str, str] | None = None
        self.revisions: list[dict[str, object]] = []
        self.reflections: list[dict[str, object]] = []
        self.actions: dict[UUID, Action] = {}

    def _check_active(self) -> None:
        if self.status != "active":
            raise GoalNotActive(f"goal {self.id} is {self.status}")

    def revise(self, changes: dict[str, object], why: str, on: dt.date) -> None:
        self._check_active()
        unknown = set(changes) - REVISABLE
        if unknown:
            raise InvalidChange(f"cannot revise {sorted(unknown)}", field=sorted(unknown)[0])
        if not changes:
            raise InvalidChange("say what changes", field="changes")
        self._revised(changes, why, on, self.participant_id)

    @event("Revised")
    def _revised(
        self, changes: dict[str, object], why: str, on: dt.date, participant_id: UUID
    ) -> None:
        for name, value in changes.items():
            setattr(self, name, value)
        self.revisions.append({"changes": changes, "why": why, "on": on})

    def achieve(self, on: dt.date) -> None:
        self._check_active()
        self._achieved(on, self.participant_id, self.column, self.target_step)

    @event("Achieved")
    def _achieved(
        self, on: dt.date, participant_id: UUID, column: str | None, target_step: int | None
    ) -> None:
        self.status, self.closed_on = "achieved", on

    def discontinue(self, on: dt.date, reason: str, conversation: str | None) -> None:
        self._check_active()
        if not reason.strip():
            raise InvalidChange("a discontinued goal needs its reason", field="reason")
        self._discontinued(on, reason, conversation, self.participant_id, self.column)

    @event("Discontinued")
    def _discontinued(
        self,
        on: dt.date,
        reason: str,
        conversation: str | None,
        participant_id: UUID,
        column: str | None,
    ) -> None:
        self.status, self.closed_on = "discontinued", on
        self.discontinued = {"reason": reason, "conversation": conversation or ""}

    def reflect(
        self, what_worked: str, what_did_not: str, lessons: str, ready_for_higher: bool
    ) -> None:
        self._reflected(what_worked, what_did_not, lessons, ready_for_higher)

    @event("Reflected")
    def _reflected(
        self, what_worked: str, what_did_not: str, lessons: str, ready_for_higher: bool
    ) -> None:
        self.reflections.append(
            {
                "what_worked": what_worked,
                "what_did_not": what_did_not,
                "lessons": lessons,
                "ready_for_higher_goals": ready_for_higher,
            }
        )

    def plan_action(
        self,
        action_id: UUID,
        description: str,
        owner: str,
        due_on: dt.date,
        reward_item: str | None,
        partner: str | None = None,
    ) -> None:
        self._check_active()
        if (owner == "partner") != (partner is not None):
            raise InvalidChange("an action owned by a partner names the partner", field="partner")
        self._action_planned(
            action_id, description, owner, due_on, reward_item, self.participant_id, self.column,
            partner,
        )  # fmt: skip

    # Events carry the participant and column so that their public contract needs no lookup.
    @event("ActionPlanned")
    def _action_planned(
        self,
        action_id: UUID,
        description: str,
        owner: str,
        due_on: dt.date,
        reward_item: str | None,
        participant_id: UUID,
        column: str | None,
        partner: str | None = None,
    ) -> None:
        self.actions[action_id] = Action(
            action_id, description, owner, due_on, reward_item, partner
        )

    def _open_action(self, action_id: UUID) -> Action:
        action = self.action(action_id)
        if action.status != "planned":
            raise ActionNotOpen(f"action {action_id} is {action.status}")
        return action

    def complete_action(
        self, action_id: UUID, completed_at: dt.datetime, by: str = "participant"
    ) -> None:
        action = self._open_action(action_id)
        self._action_completed(
            action_id,
            completed_at,
            by,
            self.participant_id,
            self.column,
            action.due_on,
            action.reward_item,
        )

    @event("ActionCompleted")
    def _action_completed(
        self,
        action_id: UUID,
        completed_at: dt.datetime,
        by: str,
        participant_id: UUID,
        column: str | None,
        due_on: dt.date,
        reward_item: str | None,
    ) -> None:
        action = self.actions[action_id]
        action.status = "completed"
        action.completed_at, action.completed_by = completed_at, by

    def reschedule_action(self, action_id: UUID, due_on: dt.date, reason: str) -> None:
        action = self._open_action(action_id)
        if due_on == action.due_on:
            raise InvalidChange("the new date is the old date", field="due_on")
        self._action_rescheduled(action_id, due_on, action.due_on, reason, self.participant_id)

    @event("ActionRescheduled")
    def _action_rescheduled(
        self,
        action_id: UUID,
        due_on: dt.date,
        previous_due_on: dt.date,
        reason: str,
        participant_id: UUID,
    ) -> None:
        action = self.actions[action_id]
        action.due_on = due_on
        action.reschedules += 1

    def cancel_action(self, action_id: UUID, reason: str) -> None:
        self._open_action(action_id)
        self._action_cancelled(action_id, reason, self.participant_id)

    @event("ActionCancelled")
    def _action_cancelled(self, action_id: UUID, reason: str, participant_id: UUID) -> None:
        self.actions[action_id].status = "cancelled"

    def overdue_actions(self, today: dt.date) -> list[Action]:
        return [a for a in self.actions.values() if a.status == "planned" and a.due_on < today]

    def mark_missed(self, action_id: UUID, today: dt.date) -> None:
        """The due date passed without completion. Once: a missed action is no longer open."""
        action = self._open_action(action_id)
        if action.due_on >= today:
            raise InvalidChange(f"action {action_id} is not past due", field="due_on")
        self._action_missed(action_id, action.due_on, self.participant_id, self.column)

    @event("ActionMissed")
    def _action_missed(
        self, action_id: UUID, due_on: dt.date, participant_id: UUID, column: str | None
    ) -> None:
        self.actions[action_id].status = "missed"

    def action(self, action_id: UUID) -> Action:
        try:
            return self.actions[action_id]
        except KeyError:
            raise ActionNotFound(f"goal {self.id} has no action {action_id}") from None
