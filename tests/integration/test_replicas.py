"""More than one process of a service on one store: one leads (publishes, sends, runs the
daily passes) and another takes over when it dies; what each keeps in memory follows the
others' writes. On a real PostgreSQL server (and the file lock on a real SQLite file)."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import os
import uuid

import psycopg
import pytest
from pydantic import SecretStr

from steiger.participant.application import ParticipantApplication
from steiger.participant.domain.personal_data import PersonalData
from steiger.participant.settings import Settings as ParticipantSettings
from steiger.planning.application import PlanningApplication
from steiger.planning.domain.goal import Goal
from steiger.planning.settings import Settings as PlanningSettings
from steiger.shared.eventstore import store_environment
from steiger.shared.leadership import AdvisoryLock, FileLock, Leader, leadership_of
from steiger.shared.sealing import ERASED_TEXT

from ..participant.test_erasure import register
from ..waiting import eventually, eventually_async


def shared_env(postgres_dsn: str, settings) -> dict[str, str]:
    """The store environment two processes of one service share: one schema."""
    settings.database_url = postgres_dsn
    settings.master_key = SecretStr(base64.b64encode(os.urandom(32)).decode())
    return {
        **store_environment(settings),
        "POSTGRES_SCHEMA": f"steiger_{settings.service}_{os.urandom(4).hex()}",
    }


@pytest.fixture
def replicas(postgres_dsn):
    """Opens applications on a shared schema; closes them after the test."""
    opened = []

    def open_two(app_class, settings):
        env = shared_env(postgres_dsn, settings)
        pair = app_class(env), app_class(env)
        opened.extend(pair)
        return pair

    yield open_two
    for app in opened:
        app.close()


def backend_holding(dsn: str, lock: AdvisoryLock) -> int:
    with psycopg.connect(dsn, autocommit=True) as db:
        row = db.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND objid = (hashtextextended(%s, 0) & 4294967295)::oid",
            (lock.name,),
        ).fetchone()
    assert row is not None, "nobody holds the lead"
    return int(row[0])


def test_one_process_leads_on_postgresql_and_another_takes_over_when_its_session_dies(
    postgres_dsn,
):
    env = shared_env(postgres_dsn, PlanningSettings())
    first, second = leadership_of(env), leadership_of(env)
    assert isinstance(first, AdvisoryLock) and isinstance(second, AdvisoryLock)
    try:
        assert first.try_to_lead()
        assert not second.try_to_lead()
        assert first.still_leading() and not second.still_leading()

        # the leader's process dies: PostgreSQL ends its session, the lock goes with it
        with psycopg.connect(postgres_dsn, autocommit=True) as db:
            db.execute("SELECT pg_terminate_backend(%s)", (backend_holding(postgres_dsn, first),))
        assert not first.still_leading()
        assert second.try_to_lead()
        assert not first.try_to_lead()  # the old leader comes back as a follower
    finally:
        first.step_down()
        second.step_down()


def test_other_services_and_other_databases_have_leads_of_their_own(postgres_dsn):
    planning = leadership_of(shared_env(postgres_dsn, PlanningSettings()))
    participant = leadership_of(shared_env(postgres_dsn, ParticipantSettings()))
    try:
        assert planning.try_to_lead() and participant.try_to_lead()
    finally:
        planning.step_down()
        participant.step_down()


def test_a_second_process_on_a_sqlite_store_waits_for_the_lead(tmp_path):
    settings = PlanningSettings()
    settings.var_dir = tmp_path
    env = store_environment(settings)
    first, second = leadership_of(env), leadership_of(env)
    assert isinstance(first, FileLock)
    assert first.try_to_lead() and not second.try_to_lead()
    first.step_down()
    assert second.try_to_lead()
    second.step_down()


async def test_the_leader_s_work_runs_only_while_it_leads(postgres_dsn):
    env = shared_env(postgres_dsn, PlanningSettings())
    running: dict[str, int] = {"first": 0, "second": 0}

    def work(name: str):
        async def run() -> None:
            running[name] += 1
            try:
                await asyncio.Event().wait()
            finally:
                running[name] -= 1

        return run

    first = Leader(leadership_of(env), [work("first")], retry_seconds=0.1)
    second = Leader(leadership_of(env), [work("second")], retry_seconds=0.1)
    tasks = [asyncio.create_task(first.run())]
    await eventually_async(lambda: running["first"] == 1, timeout=10)
    tasks.append(asyncio.create_task(second.run()))
    await asyncio.sleep(0.5)
    assert running == {"first": 1, "second": 0} and not second.leading

    lock = first.leadership
    assert isinstance(lock, AdvisoryLock)
    with psycopg.connect(postgres_dsn, autocommit=True) as db:  # the leader's session dies
        db.execute("SELECT pg_terminate_backend(%s)", (backend_holding(postgres_dsn, lock),))
    await eventually_async(lambda: running == {"first": 0, "second": 1}, timeout=10)
    assert second.leading and second.terms == 1
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def test_the_open_action_index_follows_actions_planned_by_another_process(replicas):
    here, there = replicas(PlanningApplication, PlanningSettings())
    today = dt.date(2026, 11, 28)
    assert here.detect_missed_actions(today) == 0  # its index of open actions is built

    goal = Goal(uuid.uuid4(), "Werk vinden", "short", "employment", 3)
    there.save(goal)
    action_id = there.plan_action(goal.id, "Cv opsturen", "participant", today, None)
    assert here.detect_missed_actions(today + dt.timedelta(days=1)) == 0  # not heard yet

    assert here.follow_store() > 0
    assert here.detect_missed_actions(today + dt.timedelta(days=1)) == 1
    assert here.find(goal.id, Goal).actions[action_id].status == "missed"
    assert there.find(goal.id, Goal).actions[action_id].status == "missed"


def test_the_search_index_follows_registrations_rectifications_and_erasures_elsewhere(replicas):
    here, there = replicas(ParticipantApplication, ParticipantSettings())
    assert here.search("Ikarus", None, None) == []  # its index is built

    participant_id = register(there, PersonalData(name="Ida Ikarusbuur", birth_year=1988))
    here.follow_store()
    assert [hit["participant_id"] for hit in here.search("Ikarus", None, None)] == [participant_id]

    there.erase(participant_id, dt.date(2026, 11, 28))
    here.follow_store()
    assert here.search("Ikarus", None, None) == []
    assert here.follow_store() == 0  # up to date


def test_a_key_destroyed_by_another_process_opens_nothing_here_after_the_recheck(replicas):
    here, there = replicas(PlanningApplication, PlanningSettings())
    here.sealer.RECHECK_SECONDS = 0.2
    participant_id = uuid.uuid4()
    goal = Goal(participant_id, "Schuld aflossen", "short", "debts", 2)
    here.save(goal)
    assert here.find(goal.id, Goal).title == "Schuld aflossen"

    there.forget(participant_id)
    assert here.erased(participant_id)  # asked of the store, at once

    def reads_erased() -> bool:
        here.repository.forget_about(participant_id)  # not what is cached, what is stored
        return here.find(goal.id, Goal).title == ERASED_TEXT

    eventually(reads_erased, timeout=5)
