"""Reporting's reactions: every upstream event becomes a note in the participant's progress."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import ProcessingEvent

from steiger.reporting.domain.progress import Progress
from steiger.shared.contracts.bridge import PositionCorrected, PositionRecorded
from steiger.shared.contracts.participant import (
    ConsentGranted,
    ConsentWithdrawn,
    MentorAssigned,
    ParticipantRegistered,
    ParticipantStatusChanged,
)
from steiger.shared.contracts.planning import (
    ActionCancelled,
    ActionCompleted,
    ActionMissed,
    ActionPlanned,
    ActionRescheduled,
    GoalAchieved,
    GoalDiscontinued,
    GoalSet,
    MeetingHeld,
)
from steiger.shared.contracts.rewards import RewardEarned, RewardReversed
from steiger.shared.eventstore import Reactions


class Progresses(Protocol):
    """What the policies need of the application (they do not import it: no circle)."""

    def progress_of(self, participant_id: UUID) -> Progress: ...


def _note(method: str, *fields: str) -> Any:
    def react(app: Progresses, event: Any, processing: ProcessingEvent) -> None:
        progress = app.progress_of(event.participant_id)
        getattr(progress, method)(*(getattr(event, f) for f in fields))
        processing.collect_events(progress)

    return react


def _closing(method: str, status: str, id_field: str, *fields: str) -> Any:
    def react(app: Progresses, event: Any, processing: ProcessingEvent) -> None:
        progress = app.progress_of(event.participant_id)
        getattr(progress, method)(
            getattr(event, id_field), status, *(getattr(event, f) for f in fields)
        )
        processing.collect_events(progress)

    return react


def on_action_missed(app: Progresses, event: ActionMissed, processing: ProcessingEvent) -> None:
    """Missed from the end of its due date: that is when it became a fact."""
    progress = app.progress_of(event.participant_id)
    end = dt.datetime.combine(event.due_on + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC)
    progress.note_action_closed(event.action_id, "missed", end)
    processing.collect_events(progress)


def on_position_recorded(
    app: Progresses, event: PositionRecorded, processing: ProcessingEvent
) -> None:
    progress = app.progress_of(event.participant_id)
    progress.note_position(
        event.column,
        event.step,
        event.points,
        f"{event.definition_id}@{event.definition_version}",
        event.assessed_at,
    )
    processing.collect_events(progress)


REACTIONS: Reactions = {
    ParticipantRegistered: _note(
        "note_profile",
        "programme",
        "cohort",
        "municipality",
        "registered_at",
        "neighbourhood",
        "target_group",
    ),
    PositionRecorded: on_position_recorded,
    PositionCorrected: _note("note_position_corrected", "column", "step", "points", "assessed_at"),
    GoalSet: _note("note_goal", "goal_id", "horizon", "column", "target_step", "set_at"),
    ActionPlanned: _note("note_action_planned", "action_id", "goal_id", "due_on", "planned_at"),
    ActionCompleted: _note(
        "note_action_completed", "action_id", "goal_id", "due_on", "completed_at", "on_time"
    ),
    RewardEarned: _note("note_reward", "reward_id", "item_id", "amount", "currency", "earned_at"),
    GoalAchieved: _closing("note_goal_closed", "achieved", "goal_id", "achieved_on"),
    GoalDiscontinued: _closing("note_goal_closed", "discontinued", "goal_id", "discontinued_on"),
    ActionRescheduled: _note("note_action_rescheduled", "action_id", "due_on"),
    ActionCancelled: _closing("note_action_closed", "cancelled", "action_id", "cancelled_at"),
    ActionMissed: on_action_missed,
    RewardReversed: _note("note_reward_reversed", "reward_id", "reversed_at"),
    ConsentGranted: _note("note_consent", "purpose", "partner", "categories", "granted_on"),
    ConsentWithdrawn: _note("note_consent_withdrawn", "purpose", "partner", "withdrawn_on"),
    ParticipantStatusChanged: _note("note_status", "status", "exit_reason", "changed_on"),
    MentorAssigned: _note("note_mentor", "mentor_id", "assigned_on"),
    MeetingHeld: _note("note_meeting", "meeting_id", "held_on", "crisis_minutes", "goal_minutes"),
}
