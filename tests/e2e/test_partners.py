"""Chain partners over the whole system: the participant service's consents and the other
services' events travel the real broker to notifications, which posts to real local HTTP
receivers and serves each partner's pull feed to the partner's own client."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time

import httpx
import pytest
from standardwebhooks import Webhook

from steiger.shared.access import Role

from ..notifications.servers import HttpReceiver, http_server
from .conftest import start_system

pytestmark = pytest.mark.e2e
OIN = "00000001822477348000"
FAST = {
    "STEIGER_NOTIFICATIONS_PARTNER_BACKOFF_SECONDS": "[0.3]",
    "STEIGER_NOTIFICATIONS_PARTNER_RECHECK_SECONDS": "0.2",
    "STEIGER_NOTIFICATIONS_PARTNER_TIMEOUT_SECONDS": "2",
}
"""Retries in a third of a second, a receiver that does not answer in two gives up."""
PLANNING, BRIDGE = "nl.steiger.planning.*", "nl.steiger.bridge.*"
ASSESSED = dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC)


def steiger(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "steiger.cli", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def received(receiver: HttpReceiver) -> list[dict]:
    return [r.json() for r in list(receiver.requests)]


def per_subject(events: list[dict]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for e in events:
        found.setdefault(e["subject"], []).append(e["id"])
    return found


def feed_of(system, partner: str) -> list[dict]:
    """The partner's whole feed, read as its own client: a token for the client credentials
    the development issuer gives `partner-<key>`."""
    assert system.issuer is not None
    client_id = f"partner-{partner}"
    token = httpx.post(
        f"{system.issuer.url}/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": system.issuer.client_secret(client_id),
        },
    ).json()["access_token"]
    url = f"{system.services['notifications'].url}/partners/{partner}/events"
    events, after = [], None
    while True:
        params = {"limit": 50, **({"after": after} if after else {})}
        page = httpx.get(url, params=params, headers={"Authorization": f"Bearer {token}"})
        assert page.status_code == 200, page.text
        events += page.json()["events"]
        if not page.json()["events"]:
            return events
        after = page.json()["cursor"]


def test_partners_get_what_participants_consented_to_and_nothing_else(tmp_path, e2e):
    with http_server() as debts, http_server() as health, http_server() as stuck:
        stuck.delay = 30.0  # never answers in time
        system = start_system(tmp_path, FAST)
        try:
            client = e2e.client(system)
            secrets = {
                key: client.register_partner(key, name, OIN, f"beheer@{key}.example")
                for key, name in [
                    ("schuldhulp", "Schuldhulp Rijnstreek"),
                    ("ggd", "GGD Hollands Midden"),
                    ("woonstede", "Woonstede"),
                ]
            }
            client.subscribe("schuldhulp", [PLANNING], debts.url + "/steiger")
            client.subscribe("ggd", [PLANNING, BRIDGE], health.url + "/steiger")
            client.subscribe("woonstede", [PLANNING], stuck.url + "/steiger")
            consenting = client.register("Samira Bakker", {"adults": 1})
            withdrawing = client.register("Kees de Wit", {"adults": 2})
            silent = client.register("Ans Visser", {"adults": 1})
            client.grant_consent(consenting, "schuldhulp", ["planning"])
            client.grant_consent(consenting, "ggd", ["planning", "bridge"])
            client.grant_consent(consenting, "woonstede", ["planning"])
            client.grant_consent(withdrawing, "schuldhulp", ["planning"])
            health.statuses = [500, 500, 500]

            started = time.monotonic()
            for pid in (consenting, withdrawing, silent):
                client.set_goal(pid, "Schulden op een rij", "debts", 3)
            client.assess(consenting, {"debts": 2, "income": 3}, ASSESSED)

            # a hanging receiver (woonstede) slows no other partner
            e2e.wait_until(lambda: len(debts.requests) == 2, timeout=30, interval=0.05)
            assert time.monotonic() - started < 15

            client.withdraw_consent(withdrawing, "schuldhulp")
            client.set_goal(withdrawing, "Werk zoeken", "income", 2)
            client.set_goal(consenting, "Werk zoeken", "income", 2)
            e2e.wait_until(lambda: len(debts.requests) == 3, timeout=30, interval=0.05)
            # three 500s, then the events, in order
            e2e.wait_until(lambda: len(health.requests) == 4, timeout=30, interval=0.05)
            time.sleep(2)  # what should not come has had time to come

            to_debts, to_health = received(debts), received(health)
            assert len(to_debts) == 3 and len(to_health) == 4
            # each service's events in their order (between services: as they arrived)
            goals = [e["data"]["column"] for e in to_health if "goal-set" in e["type"]]
            positions = [e["data"]["column"] for e in to_health if "position" in e["type"]]
            assert goals == ["debts", "income"] and sorted(positions) == ["debts", "income"]
            assert {e["subject"] for e in to_health} & {e["subject"] for e in to_debts} == set()
            for r in debts.requests:
                Webhook(secrets["schuldhulp"]).verify(r.body, r.headers)
            everything = json.dumps(to_debts + to_health)
            for pid in (consenting, withdrawing, silent):
                assert pid not in everything
            # the feed holds what the webhooks delivered, each participant's in the same order,
            # but for the participant who withdrew: a replay honours the consent as it is now
            feed, delivered = per_subject(feed_of(system, "schuldhulp")), per_subject(to_debts)
            (withdrawn,) = [subject for subject, ids in delivered.items() if len(ids) == 1]
            assert feed == {s: ids for s, ids in delivered.items() if s != withdrawn}
            assert feed_of(system, "schuldhulp") == [
                e for e in to_debts if e["subject"] != withdrawn
            ]

            # a past delivery sent again from the command line: the very event, its id kept
            cli = {
                **os.environ,
                "STEIGER_NOTIFICATIONS_PORT": system.services["notifications"].url.rsplit(":")[-1],
                "STEIGER_TOKEN": system.token(Role.OPERATOR),
            }
            logged = steiger("partners", "log", "schuldhulp", env=cli)
            assert logged.returncode == 0 and "delivered" in logged.stdout, logged.stdout
            log = client.get("notifications", "/partners/schuldhulp/deliveries").json()
            delivered = [a for a in log if a["outcome"] == "delivered"]
            first = next(a for a in delivered if a["subject"] != withdrawn)
            resent = steiger("partners", "resend", "schuldhulp", str(first["position"]), env=cli)
            assert resent.returncode == 0 and "1 of 1 accepted" in resent.stdout, resent.stdout
            # but not one of the participant who withdrew: their consent no longer lets it go
            theirs = next(a for a in delivered if a["subject"] == withdrawn)
            refused = steiger("partners", "resend", "schuldhulp", str(theirs["position"]), env=cli)
            assert refused.returncode == 1 and "409" in refused.stdout, refused.stdout
            e2e.wait_until(lambda: len(debts.requests) == 4, timeout=10, interval=0.05)
            again = debts.requests[-1].json()
            assert again["id"] == first["event_id"] and again in to_debts

            # erasure ends what was still to go
            health.statuses = [503] * 1000
            client.set_goal(consenting, "Gezond eten", "health", 2)
            time.sleep(1)
            officer = {"Authorization": f"Bearer {system.token(Role.PRIVACY_OFFICER)}"}
            erased = client.http.delete(
                f"{system.services['participant'].url}/participants/{consenting}", headers=officer
            )
            assert erased.status_code == 204
            e2e.wait_until(lambda: feed_of(system, "ggd") == [], timeout=30, interval=0.2)
            health.statuses = []
            time.sleep(2)
            assert len(health.requests) == 4
        finally:
            system.stop()
