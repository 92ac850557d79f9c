"""Faults: a consumer service SIGKILLed mid-stream, and the broker restarted empty.
Nothing may be lost or doubled: exactly one RewardEarned per completed rewarded action."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from steiger.shared.kafka import records_from_beginning
from steiger.shared.topics import dead_letter_topic, events_topic

pytestmark = pytest.mark.e2e
AMS = ZoneInfo("Europe/Amsterdam")
BUDGET_KEPT = Decimal("15.00")
"""A repeatable item (up to twelve times a year): every completed action below earns once."""


def plan_rewarded_actions(client, participants: int, per_participant: int):
    now = dt.datetime.now(AMS)
    work = []
    for n in range(participants):
        pid = client.register(f"Deelnemer {n}", {"adults": 1})
        goal = client.set_goal(pid, "Zaken regelen", "income", 3)
        for _ in range(per_participant):
            action = client.plan_action(
                goal, "Budget bijhouden", (now + dt.timedelta(days=5)).date(), "budget-kept-month"
            )
            work.append((pid, goal, action))
    return work


def complete(client, work):
    now = dt.datetime.now(AMS)
    for _, goal, action in work:
        client.complete_action(goal, action, now)


async def _records(bootstrap: str, topic: str) -> list:
    return [r async for batch in records_from_beginning(bootstrap, [topic]) for r in batch]


def topic_records(system, topic):
    return asyncio.run(_records(system.bootstrap_servers, topic))


def assert_exactly_one_reward_per_action(system, client, work, e2e):
    participants = {pid for pid, _, _ in work}
    expected = {pid: BUDGET_KEPT * sum(1 for p, _, _ in work if p == pid) for pid in participants}

    def settled():
        views = {pid: client.progress(pid) for pid in participants}
        return all(
            v and Decimal(v["rewards"]["total"]) == expected[pid] for pid, v in views.items()
        )

    e2e.wait_until(settled, timeout=90)
    for pid in participants:
        ledger = client.get("rewards", f"/participants/{pid}/rewards").json()
        assert Decimal(ledger["balance"]) == expected[pid]
    earned = [json.loads(r.value) for r in topic_records(system, events_topic("rewards"))]
    triggers = [e["trigger"] for e in earned]
    assert len(triggers) == len(work) == len(set(triggers))
    assert topic_records(system, dead_letter_topic("rewards")) == []
    assert topic_records(system, dead_letter_topic("reporting")) == []


def test_sigkill_of_a_consumer_mid_stream_loses_and_doubles_nothing(fresh_system, e2e):
    client = e2e.client(fresh_system)
    work = plan_rewarded_actions(client, participants=4, per_participant=10)
    complete(client, work[:20])
    fresh_system.services["rewards"].kill()  # while it is working through the first 20
    complete(client, work[20:])  # completed while rewards is down
    fresh_system.restart_service("rewards")
    assert_exactly_one_reward_per_action(fresh_system, client, work, e2e)
    client.close()


def test_a_broker_restart_that_loses_every_message_loses_and_doubles_nothing(fresh_system, e2e):
    client = e2e.client(fresh_system)
    work = plan_rewarded_actions(client, participants=3, per_participant=6)
    complete(client, work[:9])
    e2e.wait_until(
        lambda: len(topic_records(fresh_system, events_topic("rewards"))) == 9, timeout=60
    )
    fresh_system.restart_broker()  # Tansu keeps nothing: topics and offsets are gone
    complete(client, work[9:])
    assert_exactly_one_reward_per_action(fresh_system, client, work, e2e)
    client.close()
