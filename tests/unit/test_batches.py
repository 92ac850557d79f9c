"""Several incoming events of one partition recorded in one transaction: an aggregate changed
by an earlier event of the batch is seen changed by the later ones, each new event keeps the
trace of the event it answers, and a failure records nothing."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from eventsourcing.persistence import Tracking

from steiger.rewards.application import RewardsApplication
from steiger.rewards.domain.ledger import Ledger
from steiger.rewards.menus import load_menu
from steiger.shared.contracts.planning import ActionCompleted
from steiger.shared.tracing import new_traceparent

AT = dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC)


def completed(participant, item):
    return ActionCompleted(
        participant_id=participant,
        action_id=uuid.uuid4(),
        goal_id=uuid.uuid4(),
        column="income",
        due_on=AT.date(),
        completed_at=AT,
        on_time=True,
        reward_item=item,
    )


def recorded_traces(app):
    found = []
    for notification in app.recorder.select_notifications(start=1, limit=100):
        event, traceparent = app.mapper.decode(notification)
        if type(event).__name__ == "RewardEarned":
            found.append(traceparent)
    return found


def test_a_batch_for_one_participant_earns_each_reward_in_one_transaction():
    app, participant = RewardsApplication(menu=load_menu()), uuid.uuid4()
    traces = [new_traceparent(), new_traceparent()]
    events = [
        (completed(participant, "digid-applied"), traces[0]),
        (completed(participant, "payment-arrangements-all-creditors"), traces[1]),
    ]
    app.process_batch(events, Tracking("steiger.planning.events.v1#0", 7))
    assert app.rewards(participant)["balance"] == Decimal("80.00")  # one ledger, both rewards
    assert recorded_traces(app) == traces
    assert app.recorder.max_tracking_id("steiger.planning.events.v1#0") == 7


def test_a_batch_that_fails_part_way_records_nothing():
    app, participant = RewardsApplication(menu=load_menu()), uuid.uuid4()
    events = [(completed(participant, "digid-applied"), None), (object(), None)]
    app.reactions = {**app.reactions, object: lambda *_: 1 / 0}
    with pytest.raises(ZeroDivisionError):
        app.process_batch(events, Tracking("steiger.planning.events.v1#0", 9))
    assert app.rewards(participant)["balance"] == Decimal("0")
    assert app.recorder.max_tracking_id("steiger.planning.events.v1#0") in (None, 0)


def test_the_cache_holds_what_a_batch_recorded_so_the_next_one_replays_nothing():
    app = RewardsApplication({"AGGREGATE_CACHE_MAXSIZE": "100"}, menu=load_menu())
    participant = uuid.uuid4()
    ledger_id = Ledger.create_id(participant)
    app.process_batch([(completed(participant, "digid-applied"), None)], Tracking("planning#0", 1))
    stored = list(app.repository.event_store.get(ledger_id))
    assert app.repository.cache.get(ledger_id).version == stored[-1].originator_version
    app.process_batch(
        [(completed(participant, "payment-arrangements-all-creditors"), None)],
        Tracking("planning#0", 2),
    )
    assert app.rewards(participant)["balance"] == Decimal("80.00")


def test_a_failed_batch_leaves_the_cache_as_it_was():
    app = RewardsApplication({"AGGREGATE_CACHE_MAXSIZE": "100"}, menu=load_menu())
    participant = uuid.uuid4()
    app.process_batch([(completed(participant, "digid-applied"), None)], Tracking("planning#0", 1))
    app.reactions = {**app.reactions, object: lambda *_: 1 / 0}
    with pytest.raises(ZeroDivisionError):
        second = completed(participant, "payment-arrangements-all-creditors")
        app.process_batch([(second, None), (object(), None)], Tracking("planning#0", 3))
    assert app.repository.cache.get(Ledger.create_id(participant)).version == len(
        list(app.repository.event_store.get(Ledger.create_id(participant)))
    )
    assert app.rewards(participant)["balance"] == Decimal("20.00")
