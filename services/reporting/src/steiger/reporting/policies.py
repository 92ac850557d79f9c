"""Reporting's reactions: every upstream event becomes a note in the participant's progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Protocol, TypeVar
from uuid import UUID

from eventsourcing.application import ProcessingEvent

from steiger.reporting.domain.progress import Progress
from steiger.shared.caseloads import follow_assignment
from steiger.shared.contracts import IntegrationEvent
from steiger.shared.contracts.bridge import OutcomesRecorded, PositionCorrected, PositionRecorded
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
from steiger.shared.erasure import ERASURE_REACTIONS
from steiger.shared.eventstore import Reactions, in_turn
from steiger.shared.restriction import RESTRICTION_REACTIONS


class Progresses(Protocol):
    """What the policies need of the application (they do not import it: no circle)."""

    def progress_of(self, participant_id: UUID) -> Progress: ...


E = TypeVar("E", bound=IntegrationEvent)


def noting(note: Callable[[Progress, E], None]) -> Callable[[Progresses, E, ProcessingEvent], None]:
    """A reaction that notes the event in its participant's progress."""

    def react(app: Progresses, event: E, processing: ProcessingEvent) -> None:
        progress = app.progress_of(event.participant_id)
        note(progress, event)
        processing.collect_events(progress)

    return react


def action_missed(progress: Progress, event: ActionMissed) -> None:
    """Missed from the end of its due date: that is when it became a fact."""
    end = dt.datetime.combine(event.due_on + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC)
    progress.note_action_closed(event.action_id, "missed", end)


def registered(progress: Progress, e: ParticipantRegistered) -> None:
    progress.note_profile(
        e.programme, e.cohort, e.municipality, e.registered_at, e.neighbourhood, e.target_group
    )


def position_recorded(progress: Progress, e: PositionRecorded) -> None:
    definition = f"{e.definition_id}@{e.definition_version}"
    progress.note_position(e.column, e.step, e.points, definition, e.assessed_at)


REACTIONS: Reactions = {
    **RESTRICTION_REACTIONS,
    **ERASURE_REACTIONS,
    ParticipantRegistered: noting(registered),
    PositionRecorded: noting(position_recorded),
    OutcomesRecorded: noting(
        lambda p, e: p.note_outcomes(
            str(e.assessment_id), e.outcomes.model_dump(mode="json"), e.assessed_at
        )
    ),
    PositionCorrected: noting(
        lambda p, e: p.note_position_corrected(e.column, e.step, e.points, e.assessed_at)
    ),
    GoalSet: noting(
        lambda p, e: p.note_goal(e.goal_id, e.horizon, e.column, e.target_step, e.set_at)
    ),
    ActionPlanned: noting(
        lambda p, e: p.note_action_planned(e.action_id, e.goal_id, e.due_on, e.planned_at)
    ),
    ActionCompleted: noting(
        lambda p, e: p.note_action_completed(
            e.action_id, e.goal_id, e.due_on, e.completed_at, e.on_time
        )
    ),
    RewardEarned: noting(
        lambda p, e: p.note_reward(e.reward_id, e.item_id, e.amount, e.currency, e.earned_at)
    ),
    GoalAchieved: noting(lambda p, e: p.note_goal_closed(e.goal_id, "achieved", e.achieved_on)),
    GoalDiscontinued: noting(
        lambda p, e: p.note_goal_closed(e.goal_id, "discontinued", e.discontinued_on)
    ),
    ActionRescheduled: noting(lambda p, e: p.note_action_rescheduled(e.action_id, e.due_on)),
    ActionCancelled: noting(
        lambda p, e: p.note_action_closed(e.action_id, "cancelled", e.cancelled_at)
    ),
    ActionMissed: noting(action_missed),
    RewardReversed: noting(lambda p, e: p.note_reward_reversed(e.reward_id, e.reversed_at)),
    ConsentGranted: noting(
        lambda p, e: p.note_consent(e.purpose, e.partner, e.categories, e.granted_on)
    ),
    ConsentWithdrawn: noting(
        lambda p, e: p.note_consent_withdrawn(e.purpose, e.partner, e.withdrawn_on)
    ),
    ParticipantStatusChanged: noting(
        lambda p, e: p.note_status(e.status, e.exit_reason, e.changed_on)
    ),
    MentorAssigned: in_turn(
        follow_assignment, noting(lambda p, e: p.note_mentor(e.mentor_id, e.assigned_on))
    ),
    MeetingHeld: noting(
        lambda p, e: p.note_meeting(e.meeting_id, e.held_on, e.crisis_minutes, e.goal_minutes)
    ),
}
