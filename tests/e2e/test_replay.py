"""`steiger replay reporting` on a running system: the projections are rebuilt from the
producers' stores (and from Kafka), equal the live ones, and the service keeps consuming
on the new generation, also after a restart."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console

from steiger.cli.replay import replay_reporting

pytestmark = pytest.mark.e2e
AMS = ZoneInfo("Europe/Amsterdam")


def activity(client, n: int):
    now = dt.datetime.now(AMS).replace(microsecond=0)
    pids = []
    for i in range(n):
        pid = client.register(f"Deelnemer {i}", {"adults": 1})
        client.assess(pid, {"debts": 1, "income": 2}, now - dt.timedelta(days=90))
        client.assess(pid, {"debts": 2, "income": 3}, now - dt.timedelta(days=1))
        goal = client.set_goal(pid, "Schulden in beeld", "debts", 3)
        action = client.plan_action(
            goal, "DigiD aanvragen", (now + dt.timedelta(days=5)).date(), "digid-applied"
        )
        client.complete_action(goal, action, now)
        pids.append(pid)
    return pids


def test_replay_rebuilds_equal_projections_and_consuming_goes_on(fresh_system, e2e):
    client = e2e.client(fresh_system)
    pids = activity(client, 4)
    e2e.wait_until(lambda: all((v := client.progress(p)) and v["rewards"]["earned"] for p in pids))
    before = {p: client.progress(p) for p in pids}
    url = fresh_system.url("reporting")
    producers = {
        name: fresh_system.url(name) for name in ("participant", "bridge", "planning", "rewards")
    }

    status = replay_reporting(Console(quiet=True), url, "stores", producers, operator(fresh_system))
    assert status["state"] == "done" and status["generation"] == 1, status
    assert {p: client.progress(p) for p in pids} == before

    now = dt.datetime.now(AMS).replace(microsecond=0)
    client.assess(pids[0], {"debts": 4}, now)  # after the swap: the new generation consumes it

    def consumed(view):  # the step, and the reward rewards earns for reaching it
        earned = {reward["item_id"] for reward in view["rewards"]["earned"]}
        return view["bridge"]["columns"]["debts"]["latest"]["step"] == 4 and (
            "debts-step-4" in earned
        )

    e2e.wait_until(lambda: consumed(client.progress(pids[0])))
    before = {p: client.progress(p) for p in pids}

    status = replay_reporting(Console(quiet=True), url, "kafka", producers, operator(fresh_system))
    assert status["state"] == "done" and status["generation"] == 2, status
    assert {p: client.progress(p) for p in pids} == before
    assert client.get("reporting", "/operations/replay").json()["current_generation"] == 2

    fresh_system.services["reporting"].stop()
    fresh_system.restart_service("reporting")
    assert {p: client.progress(p) for p in pids} == before


def operator(system) -> dict[str, str]:
    return {"Authorization": f"Bearer {system.token('operator')}"}
