"""Constructed event histories for reporting's tests."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from decimal import Decimal

from eventsourcing.persistence import Tracking

from steiger.shared.contracts.bridge import Outcomes, OutcomesRecorded, PositionRecorded
from steiger.shared.contracts.participant import (
    ConsentGranted,
    ConsentWithdrawn,
    Household,
    MentorAssigned,
    ParticipantRegistered,
)
from steiger.shared.contracts.planning import ActionCompleted, ActionPlanned, GoalAchieved, GoalSet
from steiger.shared.contracts.rewards import RewardEarned

UTC = dt.UTC
_positions = itertools.count(1)


def feed(app, *events) -> None:
    for event in events:
        app.process_event(event, Tracking(f"{event.producer}#0", next(_positions)))


def registered(p, programme="debt-help", on=dt.date(2026, 1, 5), neighbourhood="Noord"):
    return ParticipantRegistered(
        participant_id=p, programme=programme, cohort=f"{on.year}-{on.month:02d}",
        municipality="Alphen aan den Rijn", neighbourhood=neighbourhood,
        household=Household(adults=1), registered_at=dt.datetime.combine(on, dt.time(10), UTC),
    )  # fmt: skip


def assessed(p, column, step, on):
    return PositionRecorded(
        participant_id=p, assessment_id=uuid.uuid4(), definition_id="nl-alphen-2017",
        definition_version="2017-09-07", column=column, step=step, points=step * 4,
        assessed_at=dt.datetime.combine(on, dt.time(11), UTC),
    )  # fmt: skip


def research_consent(p, on=dt.date(2026, 1, 5)):
    return ConsentGranted(participant_id=p, purpose="research", text_version="v1", granted_on=on)


def research_withdrawn(p, on):
    return ConsentWithdrawn(participant_id=p, purpose="research", withdrawn_on=on)


def mentor(p, mentor_id, on=dt.date(2026, 1, 5)):
    return MentorAssigned(participant_id=p, mentor_id=mentor_id, assigned_on=on)


def goal_with_action(p, column, planned_on, done_on, due_on, reward=Decimal("20.00")):
    goal, action = uuid.uuid4(), uuid.uuid4()
    at = dt.datetime.combine(planned_on, dt.time(12), UTC)
    done = dt.datetime.combine(done_on, dt.time(12), UTC)
    return [
        GoalSet(participant_id=p, goal_id=goal, horizon="short", column=column, target_step=3,
                set_at=at),
        ActionPlanned(participant_id=p, action_id=action, goal_id=goal, column=column,
                      owner="participant", due_on=due_on, planned_at=at),
        ActionCompleted(participant_id=p, action_id=action, goal_id=goal, column=column,
                        due_on=due_on, completed_at=done, on_time=done_on <= due_on),
        RewardEarned(participant_id=p, reward_id=uuid.uuid4(), item_id="step", rule="r",
                     trigger=f"action-completed:{action}", amount=reward, currency="EUR",
                     column=column, earned_at=done),
        GoalAchieved(participant_id=p, goal_id=goal, column=column, target_step=3,
                     achieved_on=done_on),
    ]  # fmt: skip


def outcomes(p, on, **facts):
    """The outcome facts (Table 4) recorded with an assessment on `on`."""
    return OutcomesRecorded(
        participant_id=p,
        assessment_id=uuid.uuid4(),
        outcomes=Outcomes(**facts),
        assessed_at=dt.datetime.combine(on, dt.time(10), UTC),
    )
