"""Planning's domain events mapped to its public contracts."""

from __future__ import annotations

from typing import Any

from steiger.planning.domain.goal import Goal
from steiger.shared.contracts import IntegrationEvent
from steiger.shared.contracts.planning import ActionCompleted, ActionPlanned, GoalSet


def to_contract(event: Any) -> IntegrationEvent | None:
    if isinstance(event, Goal.Set):
        return GoalSet(
            participant_id=event.participant_id,
            goal_id=event.originator_id,
            horizon=event.horizon,
            column=event.column,
            target_step=event.target_step,
            set_at=event.timestamp,
        )
    if isinstance(event, Goal.ActionPlanned):
        return ActionPlanned(
            participant_id=event.participant_id,
            action_id=event.action_id,
            goal_id=event.originator_id,
            column=event.column,
            owner=event.owner,
            due_on=event.due_on,
            reward_item=event.reward_item,
            planned_at=event.timestamp,
        )
    if isinstance(event, Goal.ActionCompleted):
        return ActionCompleted(
            participant_id=event.participant_id,
            action_id=event.action_id,
            goal_id=event.originator_id,
            column=event.column,
            due_on=event.due_on,
            completed_at=event.completed_at,
            on_time=event.completed_at.date() <= event.due_on,
            reward_item=event.reward_item,
        )
    return None
