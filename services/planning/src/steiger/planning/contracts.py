"""Planning's domain events mapped to its public contracts."""

from __future__ import annotations

from steiger.planning.domain.goal import Goal
from steiger.planning.domain.meeting import Meeting
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
from steiger.shared.contracts.translation import To, Translator

to_contract = Translator(
    {
        Goal.Set: To(GoalSet, goal_id="originator_id", set_at="timestamp"),
        Goal.ActionPlanned: To(ActionPlanned, goal_id="originator_id", planned_at="timestamp"),
        Goal.ActionCompleted: To(
            ActionCompleted,
            goal_id="originator_id",
            on_time=lambda e: e.completed_at.date() <= e.due_on,
        ),
        Goal.Revised: To(
            GoalRevised,
            goal_id="originator_id",
            changed=lambda e: sorted(e.changes),  # which fields, never their (free) text
            target_step=lambda e: e.changes.get("target_step"),
            revised_on="on",
        ),
        Goal.Achieved: To(
            GoalAchieved, goal_id="originator_id", achieved_on="on", achieved_at="timestamp"
        ),
        Goal.Discontinued: To(GoalDiscontinued, goal_id="originator_id", discontinued_on="on"),
        Goal.ActionRescheduled: To(
            ActionRescheduled, goal_id="originator_id", rescheduled_at="timestamp"
        ),
        Goal.ActionCancelled: To(
            ActionCancelled, goal_id="originator_id", cancelled_at="timestamp"
        ),
        Goal.ActionMissed: To(ActionMissed, goal_id="originator_id"),
        Meeting.Scheduled: To(
            MeetingScheduled, meeting_id="originator_id", scheduled_at="timestamp"
        ),
        Meeting.Held: To(MeetingHeld, meeting_id="originator_id"),
    }
)
