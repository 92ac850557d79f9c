"""Notifications over the whole system: celebrations reach a real SMTP server, through the
participant service's audited address lookup, exactly once per notification even when the
notifications service is SIGKILLed mid-stream and restarted."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest

from steiger.shared.topics import events_topic

from ..notifications.servers import smtp_server
from .conftest import start_system
from .test_faults import topic_records

pytestmark = pytest.mark.e2e
PARTICIPANTS, GOALS_EACH = 12, 3
SIDE_BY_SIDE = 4


def midday_zone() -> str:
    """A time zone where it is around noon now, so no quiet hours get in the way whenever
    the suite runs (the default quiet hours are 21:00-08:00 local)."""
    offset = 12 - dt.datetime.now(dt.UTC).hour
    return "Etc/GMT" + ("-" if offset >= 0 else "+") + str(abs(offset))


def mailing_to(smtp_port: int) -> dict[str, str]:
    """Notifications mailing through the test's SMTP server at once, `SIDE_BY_SIDE`
    participants at a time, at an hour outside the quiet hours."""
    return {
        "STEIGER_NOTIFICATIONS_SMTP_HOST": "127.0.0.1",
        "STEIGER_NOTIFICATIONS_SMTP_PORT": str(smtp_port),
        "STEIGER_NOTIFICATIONS_DISPATCH_SECONDS": "0.05",
        "STEIGER_NOTIFICATIONS_DISPATCH_CONCURRENCY": str(SIDE_BY_SIDE),
        "STEIGER_TIMEZONE": midday_zone(),
    }


def test_each_celebration_is_mailed_once_across_a_sigkill_of_notifications(tmp_path, e2e):
    with smtp_server() as (mailbox, port):
        system = start_system(tmp_path, mailing_to(port))
        try:
            client = e2e.client(system)
            goals = []
            for n in range(PARTICIPANTS):
                pid = client.register(f"Deelnemer {n}", {"adults": 1}, email=f"d{n}@example.nl")
                goals += [
                    (pid, client.set_goal(pid, f"Doel {g}", "debts", 2)) for g in range(GOALS_EACH)
                ]
            half = len(goals) // 2
            for _, goal in goals[:half]:
                client.achieve_goal(goal)
            e2e.wait_until(lambda: len(mailbox.messages) >= 4, timeout=60, interval=0.01)
            system.services["notifications"].kill()  # while it is sending
            for _, goal in goals[half:]:
                client.achieve_goal(goal)
            system.restart_service("notifications")

            def all_sent():
                views = [
                    client.get("notifications", f"/participants/{pid}/notifications").json()
                    for pid in {pid for pid, _ in goals}
                ]
                sent = [n for v in views for n in v["sent"]]
                done = not any(v["pending"] or v["failed"] for v in views)
                celebrated = sum(n["kind"] == "goal-achieved" for n in sent)
                return sent if done and celebrated == len(goals) else None

            # achieved goals also earn rewards: those are celebrated too
            sent = e2e.wait_until(all_sent, timeout=90)

            def published_all() -> bool:
                # the last outcomes are stored; the relay publishes them a moment later
                health = client.get("notifications", "/health").json()
                return health["relay"]["position"] == health["store"]["notification_id"]

            e2e.wait_until(published_all, timeout=30)
            records = topic_records(system, events_topic("notifications"))
        finally:
            system.stop()

    ids = Counter(m["Message-ID"] for m in mailbox.messages)
    assert set(ids) == {f"<{n['notification_id']}@steiger.example>" for n in sent}
    # Exactly once per notification; at most the messages in flight at the SIGKILL (one per
    # participant served side by side) went out again, under the same Message-ID (the
    # idempotency key), so mail clients show one each.
    assert len(mailbox.messages) - len(ids) <= SIDE_BY_SIDE
    assert {m["To"] for m in mailbox.messages} == {f"d{n}@example.nl" for n in range(PARTICIPANTS)}
    congratulations = "Gefeliciteerd: je hebt je doel bereikt!"
    goal_mails = {m["Message-ID"] for m in mailbox.messages if m["Subject"] == congratulations}
    assert len(goal_mails) == len(goals)
    published = Counter(json.loads(r.value)["notification_id"] for r in records)
    assert len(published) == len(sent) and set(published.values()) == {1}
