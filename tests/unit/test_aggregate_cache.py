"""The aggregate cache of a service's store. On SQLite the service's process is the store's
only writer: every write leaves its aggregates in the cache, so a read asks the store nothing.
Another writer (a replica on a shared PostgreSQL schema) can still not be overwritten: its
change makes our stale write conflict, the conflict brings the cached aggregate up to the
store (reading only the events it lacks), and the command's retry starts from there."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from steiger.planning.application import PlanningApplication
from steiger.planning.settings import Settings
from steiger.shared.eventstore import store_environment

DUE = dt.date(2026, 12, 1)


@pytest.fixture
def env(tmp_path):
    return store_environment(Settings(var_dir=tmp_path))


def test_on_sqlite_the_cache_is_not_fast_forwarded(env):
    assert PlanningApplication(env).repository.fastforward is False


def test_a_write_leaves_its_aggregate_cached_and_a_read_asks_the_store_nothing(env, monkeypatch):
    app = PlanningApplication(env)
    goal = app.set_goal(uuid.uuid4(), "Werk vinden", "long", "income", 4)
    action = app.plan_action(goal, "Sollicitatiebrief sturen", "participant", DUE, None)

    def no_store(*args, **kwargs):
        raise AssertionError("read the store")

    monkeypatch.setattr(app.repository.event_store, "get", no_store)
    assert [a["action_id"] for a in app.goal(goal)["actions"]] == [action]
    app.complete_action(goal, action, dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC))
    assert app.goal(goal)["actions"][0]["status"] == "completed"


def test_a_change_by_another_writer_is_not_overwritten_and_the_command_still_succeeds(
    env, monkeypatch
):
    waits: list[float] = []
    monkeypatch.setattr("eventsourcing.utils.sleep", waits.append)
    ours, theirs = PlanningApplication(env), PlanningApplication(env)
    goal = ours.set_goal(uuid.uuid4(), "Werk vinden", "long", "income", 4)
    first = theirs.plan_action(goal, "Cv bijwerken", "participant", DUE, None)

    # ours still caches the goal without that action: its write conflicts, the conflict
    # brings the cached goal up to the store, and the retry plans on the goal as stored
    second = ours.plan_action(goal, "Sollicitatiebrief sturen", "participant", DUE, None)

    stored = PlanningApplication(env).goal(goal)
    assert [a["action_id"] for a in stored["actions"]] == [first, second]
    assert [a["action_id"] for a in ours.goal(goal)["actions"]] == [first, second]
    assert waits == [0]  # retried at once: commands run on the event loop, a wait blocks it


def test_a_conflict_reads_only_the_events_the_cached_aggregate_lacks(env, monkeypatch):
    ours, theirs = PlanningApplication(env), PlanningApplication(env)
    goal = ours.set_goal(uuid.uuid4(), "Werk vinden", "long", "income", 4)
    ours.plan_action(goal, "Cv bijwerken", "participant", DUE, None)  # ours caches version 2
    theirs.plan_action(goal, "Vacatures zoeken", "participant", DUE, None)  # stored: 3
    reads: list[int | None] = []
    get = ours.repository.event_store.get

    def spy(*args, **kwargs):
        reads.append(kwargs.get("gt"))
        return get(*args, **kwargs)

    monkeypatch.setattr(ours.repository.event_store, "get", spy)
    ours.plan_action(goal, "Sollicitatiebrief sturen", "participant", DUE, None)

    assert reads == [2]  # not a replay from the first event (gt None)
    assert len(PlanningApplication(env).goal(goal)["actions"]) == 3


def test_an_aggregate_replayed_from_the_store_does_not_replace_a_newer_cached_one(env):
    app = PlanningApplication(env)
    goal_id = app.set_goal(uuid.uuid4(), "Werk vinden", "long", "income", 4)
    reader = PlanningApplication(env)
    older = reader.repository.get(goal_id)  # version 1, as a reader replayed it from the store
    app.plan_action(goal_id, "Cv bijwerken", "participant", DUE, None)  # cached: version 2

    assert app.repository.remember(older).version == 2
    assert len(app.goal(goal_id)["actions"]) == 1


def test_with_fast_forwarding_a_read_sees_another_writers_change(env):
    env = {**env, "AGGREGATE_CACHE_FASTFORWARD": "y"}
    ours, theirs = PlanningApplication(env), PlanningApplication(env)
    goal = ours.set_goal(uuid.uuid4(), "Werk vinden", "long", "income", 4)
    assert ours.goal(goal)["actions"] == []
    action = theirs.plan_action(goal, "Cv bijwerken", "participant", DUE, None)
    assert [a["action_id"] for a in ours.goal(goal)["actions"]] == [action]
