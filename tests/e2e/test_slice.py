"""The vertical slice through the public HTTP APIs, over Kafka, each service its own process."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from zoneinfo import ZoneInfo

import httpx
import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.e2e
AMS = ZoneInfo("Europe/Amsterdam")
TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def test_the_slice_from_registration_to_progress(system, e2e):
    client = e2e.client(system)
    now = dt.datetime.now(AMS).replace(microsecond=0)
    pid = client.register(
        "Samira Bakker", {"adults": 1, "preschool_children": 1, "school_age_children": 0}
    )
    client.assess(pid, {"debts": 1, "income": 2, "housing": 3}, now - dt.timedelta(days=60))
    goal = client.set_goal(pid, "Overzicht van mijn schulden", "debts", 2)
    due = (now + dt.timedelta(days=10)).date()
    action = client.plan_action(
        goal, "Betalingsregelingen treffen", due, "payment-arrangements-all-creditors"
    )

    def notifications():
        return client.get("notifications", f"/participants/{pid}/notifications").json()

    reminders = e2e.wait_until(lambda: notifications()["pending"])
    assert [r["kind"] for r in reminders] == ["action-reminder", "action-reminder"]
    assert dt.datetime.fromisoformat(reminders[-1]["send_at"]) == dt.datetime.combine(
        due, dt.time(9), AMS
    )

    # completion carries a W3C trace from the caller
    response = client.http.post(
        f"{client.base['planning']}/goals/{goal}/actions/{action}/completion",
        json={"completed_at": now.isoformat()},
        headers={"traceparent": TRACE},
    )
    assert response.status_code == 204
    assert response.headers["traceparent"].split("-")[1] == TRACE.split("-")[1]
    client.assess(pid, {"debts": 3, "income": 2, "housing": 2}, now)

    def complete_progress():
        view = client.progress(pid)
        return (
            view
            if view
            and view["rewards"]["earned"]
            and len(view["bridge"]["columns"]) == 3
            and view["bridge"]["columns"]["debts"]["latest"]["step"] == 3
            else None
        )

    view = e2e.wait_until(complete_progress)
    assert view["profile"]["programme"] == "debt-help"
    assert view["bridge"]["columns"]["debts"]["change_since_intake"] == 2
    assert view["bridge"]["columns"]["housing"]["change_since_intake"] == -1  # a step back is shown
    assert [g["column"] for g in view["goals"]] == ["debts"]
    assert view["actions"][0]["status"] == "completed" and view["deadlines"]["met"] == 1
    assert Decimal(view["rewards"]["total"]) == Decimal("60.00")

    ledger = client.get("rewards", f"/participants/{pid}/rewards").json()
    assert ledger["balance"] == "60.00" and len(ledger["earned"]) == 1
    e2e.wait_until(
        lambda: [r["kind"] for r in notifications()["cancelled"]] == ["action-reminder"] * 2
    )

    # the caller's trace id is on the consumers' log lines for the events it caused,
    # with how long after it was recorded each event took effect
    trace_id = TRACE.split("-")[1]
    for consumer in ("rewards", "notifications", "reporting"):
        lines = [
            json.loads(line)
            for line in system.services[consumer].log_path.read_text().splitlines()
            if line.startswith("{")
        ]
        traced = [
            line
            for line in lines
            if line.get("correlation_id") == trace_id and line.get("service") == consumer
        ]
        assert traced, consumer
        processed = [line for line in traced if line.get("event") == "event processed"]
        assert processed and all(0 <= line["lag_ms"] < 60_000 for line in processed), consumer
    client.close()


def test_every_service_answers_health_and_openapi(system):
    for name, service in system.services.items():
        health = httpx.get(f"{service.url}/health").json()
        assert health["status"] == "ready" and health["service"] == name
        assert httpx.get(f"{service.url}/openapi.json").json()["info"]["title"] == f"Steiger {name}"


def test_personal_data_does_not_leave_the_participant_service(system, e2e):
    client = e2e.client(system)
    pid = client.register("Unieke Naam Xq7", {"adults": 2})
    e2e.wait_until(lambda: client.progress(pid))
    for name in ("bridge", "planning", "rewards", "notifications", "reporting"):
        for store in system.var_dir.glob(f"{name}.sqlite*"):  # the database and its WAL
            assert b"Unieke Naam Xq7" not in store.read_bytes(), store
    client.close()


def test_a_consent_change_reaches_reporting(system, e2e):
    client = e2e.client(system)
    pid = client.register("Consent Deelnemer", {"adults": 1})
    participant = system.services["participant"].url
    granted = client.http.post(
        f"{participant}/participants/{pid}/consents",
        json={"purpose": "research", "text_version": "2026-01"},
    )
    assert granted.status_code == 204
    e2e.wait_until(
        lambda: (
            [c["purpose"] for c in (client.progress(pid) or {}).get("consents", [])] == ["research"]
        )
    )
    withdrawn = client.http.delete(f"{participant}/participants/{pid}/consents/research")
    assert withdrawn.status_code == 204
    e2e.wait_until(lambda: client.progress(pid)["consents"] == [])
    client.close()


def test_subject_access_gathers_what_every_service_holds(system, e2e):
    client = e2e.client(system)
    urls = {name: s.url for name, s in system.services.items()}
    pid = client.register("Inzage Deelnemer", {"adults": 1}, language="en")
    client.http.post(
        f"{urls['bridge']}/participants/{pid}/assessments",
        json={
            "definition_id": "nl-alphen", "definition_version": "2017-09-07",
            "steps": {"debts": 2}, "assessed_at": "2026-11-02T10:00:00+01:00",
            "notes": {"debts": "Notitie over de schulden"},
        },
    ).raise_for_status()  # fmt: skip
    goal = client.set_goal(pid, "Schulden op een rij", "debts", 3)
    now = dt.datetime.now(AMS).replace(microsecond=0)
    action = client.plan_action(
        goal, "Betalingsregelingen treffen", (now + dt.timedelta(days=3)).date(),
        "payment-arrangements-all-creditors",
    )  # fmt: skip
    client.complete_action(goal, action, now)
    meeting = client.http.post(
        f"{urls['planning']}/participants/{pid}/meetings",
        json={"at": (now - dt.timedelta(hours=1)).isoformat()},
    ).json()["id"]
    client.http.post(
        f"{urls['planning']}/meetings/{meeting}/record",
        json={"held_on": now.date().isoformat(), "duration_minutes": 45, "crisis_minutes": 5,
              "goal_minutes": 30, "summary": "Samen de brieven geordend"},
    ).raise_for_status()  # fmt: skip
    group = client.http.post(
        f"{urls['planning']}/groups", json={"name": "Geldgroep", "kind": "group"}
    ).json()["id"]
    client.http.post(
        f"{urls['planning']}/groups/{group}/members", json={"participant_id": pid}
    ).raise_for_status()
    e2e.wait_until(
        lambda: client.get("rewards", f"/participants/{pid}/rewards").json()["earned"] or None
    )
    e2e.wait_until(lambda: (client.progress(pid) or {}).get("goals"))
    e2e.wait_until(  # the completed action's reminders, cancelled
        lambda: client.get("notifications", f"/participants/{pid}/notifications").json()[
            "cancelled"
        ]
    )

    export = client.http.get(f"{urls['participant']}/participants/{pid}/export")
    export = export.json()
    assert export["complete"] is True
    assert export["participant"]["name"] == "Inzage Deelnemer"
    elsewhere = export["held_by_other_services"]
    assert set(elsewhere) == {"bridge", "planning", "rewards", "notifications", "reporting"}
    bridge, planning = elsewhere["bridge"], elsewhere["planning"]
    assert [(p["column"], p["note"]) for p in bridge["positions"]] == [
        ("debts", "Notitie over de schulden")
    ]
    assert bridge["household"] == {"adults": 1, "preschool_children": 0, "school_age_children": 0}
    assert [g["title"] for g in planning["goals"]] == ["Schulden op een rij"]
    assert [m["held"]["summary"] for m in planning["meetings"]] == ["Samen de brieven geordend"]
    assert [g["name"] for g in planning["groups"]] == ["Geldgroep"]
    (earned,) = elsewhere["rewards"]["rewards"]["earned"]
    assert [s["year"] for s in elsewhere["rewards"]["statements"]] == [int(earned["earned_at"][:4])]
    notifications = elsewhere["notifications"]["notifications"]
    assert {n["kind"] for n in notifications["cancelled"] + notifications["pending"]} >= {
        "action-reminder"
    }
    assert elsewhere["reporting"]["progress"]["participant_id"] == pid
    assert export["who_looked"], "the export lists who looked"

    document = client.http.get(f"{urls['participant']}/participants/{pid}/export.pdf")
    assert document.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(document.content)).pages)
    for words in (
        "Subject access: everything Steiger holds about you",
        "Inzage Deelnemer",
        "Schulden op een rij",
        "Samen de brieven geordend",
        "Rewards and yearly",
    ):
        assert words in text, words  # fmt: skip
    dutch = client.http.get(
        f"{urls['participant']}/participants/{pid}/export.pdf", params={"lang": "nl"}
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(dutch.content)).pages)
    assert "Inzage: alles wat Steiger over u bewaart" in text and "Geboortejaar: 1985" in text
    client.close()


def test_steiger_retention_lists_then_erases_whose_period_ended(system, e2e):
    client = e2e.client(system)
    participant = system.services["participant"].url
    pid = client.register("Lang Geleden Vertrokken", {"adults": 1})
    left = client.http.post(
        f"{participant}/participants/{pid}/exit", json={"on": "2012-05-01", "reason": "moved"}
    )
    assert left.status_code == 204
    env = {name: value for name, value in os.environ.items() if name != "STEIGER_OIDC_ISSUER"}
    env |= {"STEIGER_VAR_DIR": str(system.var_dir),
            "STEIGER_DEV_ISSUER_URL": f"http://127.0.0.1:{system.issuer_port}"}  # fmt: skip

    def retention(*flags: str) -> str:
        run = subprocess.run(
            [sys.executable, "-m", "steiger.cli", "retention", "--url", participant, *flags],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert run.returncode == 0, run.stdout + run.stderr
        return run.stdout

    listed = retention("--dry-run")
    assert "would be erased" in listed and pid[:8] in listed
    assert client.get("participant", f"/participants/{pid}").status_code == 200
    assert (
        "erased" in retention()
        and client.get("participant", f"/participants/{pid}").status_code == 410
    )
    client.close()
