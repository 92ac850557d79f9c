"""Planning's domain events mapped to its public contracts."""

from __future__ import annotations

from typing import Any

from steiger.planning.domain.goal import Goal
from steiger.planning.domain.meeting import Meeting
from steiger.shared.contracts import IntegrationEvent
from steiger.shared.contracts.planning import (
    ActionCancelled,
    ActionCompleted,
    ActionMissed,
    ActionPlanned,
    ActionRescheduled,
    GoalAchieved,
    GoalDiscontinued,
    GoalRevised,
    GoalSet,
    MeetingHeld,
    MeetingScheduled,
)


def to_contract(event: Any) -> IntegrationEvent | None:
    if isinstance(event, Goal.Set):
        return GoalSet(
            participant_id=event.participant_id,
            goal_id=event.originator_id,
            horizon=event.horizon,
            column=event.column,
            target_step=event.target_step,
            definition_id=event.definition_id,
            definition_version=event.definition_version,
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
    if isinstance(event, Goal.Revised):
        return GoalRevised(
            participant_id=event.participant_id,
            goal_id=event.originator_id,
            changed=sorted(event.changes),
            target_step=event.changes.get("target_step"),
            revised_on=event.on,
        )
    if isinstance(event, Goal.Achieved):
        return GoalAchieved(
            participant_id=event.participant_id,
            goal_id=event.originator_id,
            column=event.column,
            target_step=event.target_step,
            achieved_on=event.on,
            achieved_at=event.timestamp,
        )
    if isinstance(event, Goal.Discontinued):
        return GoalDiscontinued(
            participant_id=event.participant_id,
            goal_id=event.originator_id,
            column=event.column,
            discontinued_on=event.on,
        )
    if isinstance(event, Goal.ActionRescheduled):
        return ActionRescheduled(
            participant_id=event.participant_id,
            action_id=event.action_id,
            goal_id=event.originator_id,
            due_on=event.due_on,
            previous_due_on=event.previous_due_on,
            rescheduled_at=event.timestamp,
        )
    if isinstance(event, Goal.ActionCancelled):
        return ActionCancelled(
            participant_id=event.participant_id,
            action_id=event.action_id,
            goal_id=event.originator_id,
            cancelled_at=event.timestamp,
        )
    if isinstance(event, Goal.ActionMissed):
        return ActionMissed(
            participant_id=event.participant_id,
            action_id=event.action_id,
            goal_id=event.originator_id,
            column=event.column,
            due_on=event.due_on,
        )
    if isinstance(event, Meeting.Scheduled):
        return MeetingScheduled(
            participant_id=event.participant_id,
            meeting_id=event.originator_id,
            at=event.at,
            scheduled_at=event.timestamp,
        )
    if isinstance(event, Meeting.Held):
        return MeetingHeld(
            participant_id=event.participant_id,
            meeting_id=event.originator_id,
            held_on=event.held_on,
            duration_minutes=event.duration_minutes,
            crisis_minutes=event.crisis_minutes,
            goal_minutes=event.goal_minutes,
        )
    return None
