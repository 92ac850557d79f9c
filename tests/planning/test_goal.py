import datetime as dt
import uuid

import pytest

from steiger.planning.domain.errors import ActionNotFound, ActionNotOpen
from steiger.planning.domain.goal import Goal

PARTICIPANT = uuid.uuid4()


def goal_with_action(due_on=dt.date(2026, 12, 1)):
    goal = Goal(PARTICIPANT, "Overzicht van mijn schulden", "short", "debts", 2)
    action_id = uuid.uuid4()
    goal.plan_action(action_id, "Post verzamelen", "participant", due_on, "digid-applied")
    return goal, action_id


def test_completing_an_action_records_when_and_keeps_the_participant_and_column_on_the_event():
    goal, action_id = goal_with_action()
    at = dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC)
    goal.complete_action(action_id, at)
    completed = goal.collect_events()[-1]
    assert isinstance(completed, Goal.ActionCompleted)
    assert (completed.participant_id, completed.column) == (PARTICIPANT, "debts")
    assert goal.action(action_id).status == "completed"
    assert goal.action(action_id).completed_on_time


def test_an_action_completed_after_its_due_date_is_late():
    goal, action_id = goal_with_action(due_on=dt.date(2026, 11, 1))
    goal.complete_action(action_id, dt.datetime(2026, 11, 3, tzinfo=dt.UTC))
    assert not goal.action(action_id).completed_on_time


def test_an_action_cannot_be_completed_twice():
    goal, action_id = goal_with_action()
    goal.complete_action(action_id, dt.datetime(2026, 11, 30, tzinfo=dt.UTC))
    with pytest.raises(ActionNotOpen):
        goal.complete_action(action_id, dt.datetime(2026, 11, 30, tzinfo=dt.UTC))


def test_an_unknown_action_is_not_found():
    goal, _ = goal_with_action()
    with pytest.raises(ActionNotFound):
        goal.complete_action(uuid.uuid4(), dt.datetime(2026, 11, 30, tzinfo=dt.UTC))


def test_a_goal_replays_to_the_same_state_from_its_events():
    goal, action_id = goal_with_action()
    goal.complete_action(action_id, dt.datetime(2026, 11, 30, tzinfo=dt.UTC))
    events = goal.collect_events()
    replayed = None
    for e in events:
        replayed = e.mutate(replayed)
    assert replayed.actions == goal.actions
