"""A goal of a participant's goal-action plan, with the small action steps under it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from steiger.planning.domain.errors import ActionNotFound, ActionNotOpen, GoalNotActive


@dataclass
class Action:
    action_id: UUID
    description: str
    owner: str
    due_on: dt.date
    reward_item: str | None
    status: str = "planned"
    completed_at: dt.datetime | None = None

    @property
    def completed_on_time(self) -> bool:
        return self.completed_at is not None and self.completed_at.date() <= self.due_on


class Goal(Aggregate):
    @event("Set")
    def __init__(
        self,
        participant_id: UUID,
        title: str,
        horizon: str,
        column: str | None,
        target_step: int | None,
    ) -> None:
        self.participant_id = participant_id
        self.title = title
        self.horizon = horizon
        self.column = column
        self.target_step = target_step
        self.status = "active"
        self.actions: dict[UUID, Action] = {}

    def plan_action(
        self,
        action_id: UUID,
        description: str,
        owner: str,
        due_on: dt.date,
        reward_item: str | None,
    ) -> None:
        if self.status != "active":
            raise GoalNotActive(f"goal {self.id} is {self.status}")
        self._action_planned(
            action_id, description, owner, due_on, reward_item, self.participant_id, self.column
        )

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
    ) -> None:
        self.actions[action_id] = Action(action_id, description, owner, due_on, reward_item)

    def complete_action(self, action_id: UUID, completed_at: dt.datetime) -> None:
        action = self.action(action_id)
        if action.status != "planned":
            raise ActionNotOpen(f"action {action_id} is {action.status}")
        self._action_completed(
            action_id,
            completed_at,
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
        participant_id: UUID,
        column: str | None,
        due_on: dt.date,
        reward_item: str | None,
    ) -> None:
        action = self.actions[action_id]
        action.status = "completed"
        action.completed_at = completed_at

    def action(self, action_id: UUID) -> Action:
        try:
            return self.actions[action_id]
        except KeyError:
            raise ActionNotFound(f"goal {self.id} has no action {action_id}") from None
