"""A realistic scenario played through the public APIs: several participants on the Dutch
Bridge, goals with small action steps, some completed (on time or late), some missed, and the
vouchers of the Alphen menu they earn. A chain partner (debt counselling) listens on a local
receiver; every other participant consents to share their plan and rewards with it, and the
demo shows what the partner received."""

from __future__ import annotations

import datetime as dt
import json
import random
import threading
import time
import uuid
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table

from steiger.cli.client import BRIDGE_COLUMNS, SteigerClient
from steiger.cli.credentials import DEMO_TEAM, access_token, bearer
from steiger.shared.access import Role

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NAMES = (
    "Fatima",
    "Jeroen",
    "Samira",
    "Dennis",
    "Ayla",
    "Kees",
    "Naima",
    "Ricardo",
    "Linda",
    "Mohamed",
)
ACTIONS = (
    ("debts", "Alle post van schuldeisers in één map verzamelen", None),
    (
        "debts",
        "Betalingsregelingen treffen met alle schuldeisers",
        "payment-arrangements-all-creditors",
    ),
    ("income", "DigiD aanvragen", "digid-applied"),
    ("health", "Naar de afspraken bij de GGZ gaan", "mental-health-appointments"),
    (
        "family",
        "Iemand uit het netwerk vragen om op woensdag op te passen",
        "network-takes-over-care",
    ),
)


def play(console: Console, participants: int, seed: int = 7) -> list[str]:
    with PartnerReceiver() as receiver:
        ids = _play(console, participants, seed, receiver)
        _show_partner(console, receiver)
    return ids


def _play(console: Console, participants: int, seed: int, receiver: PartnerReceiver) -> list[str]:
    rng = random.Random(seed)
    # The demo works as a mentor would: signed in, on their own caseload, which the
    # participants they take in join.
    mentor_id = str(uuid.uuid5(uuid.NAMESPACE_URL, "urn:steiger:demo-mentor"))
    administrator = SteigerClient(headers=bearer(Role.ADMINISTRATOR))
    try:
        administrator.register_mentor("Demo Mentor", DEMO_TEAM, mentor_id)
        _listening_partner(administrator, receiver.url)
    finally:
        administrator.close()
    token = access_token(Role.MENTOR, subject=mentor_id, teams=())
    client = SteigerClient(headers={"Authorization": f"Bearer {token}"})
    now = dt.datetime.now(AMSTERDAM).replace(microsecond=0)
    ids: list[str] = []
    expected_rewards: dict[str, Decimal] = {}
    amounts = {
        "payment-arrangements-all-creditors": Decimal(60),
        "digid-applied": Decimal(20),
        "mental-health-appointments": Decimal(40),
        "network-takes-over-care": Decimal(40),
    }
    try:
        for n in range(participants):
            name = f"{NAMES[n % len(NAMES)]} (demo {n + 1})"
            household = {
                "adults": 1,
                "preschool_children": rng.randint(0, 1) if n else 0,
                "school_age_children": rng.randint(0, 2) if n else 2,  # first: a single parent
            }
            pid = client.register(name, household)
            ids.append(pid)
            if n % 2 == 0:
                client.grant_consent(
                    pid, PARTNER, ["planning", "rewards"], client_reference=f"SH-DEMO-{n + 1}"
                )
                console.print(f"  {name} consents to share plan and rewards with {PARTNER}")
            intake = {c: rng.randint(1, 3) for c in BRIDGE_COLUMNS}
            employed = rng.random() < 0.4
            client.assess(pid, intake, now - dt.timedelta(days=90), _asked(rng, employed, False))
            console.print(
                f"[bold]{name}[/bold] registered as {pid}; intake Bridge "
                f"{sum(intake.values())} points"
            )
            goals: dict[str, str] = {}
            expected_rewards[pid] = Decimal(0)
            for column, description, reward in ACTIONS:
                if column not in goals:
                    goals[column] = client.set_goal(
                        pid, f"Een stap verder op {column}", column, min(intake[column] + 1, 5)
                    )
                due = (now - dt.timedelta(days=rng.randint(-20, 40))).date()
                action = client.plan_action(goals[column], description, due, reward)
                fate = rng.choice(("on time", "late", "open"))
                if fate == "open":
                    state = "missed" if due < now.date() else "open"
                    console.print(f"  · {description}: due {due}, {state}")
                    continue
                done = dt.datetime.combine(due, dt.time(11), AMSTERDAM)
                if fate == "late" or done > now:
                    done = min(now, done + dt.timedelta(days=3))
                client.complete_action(goals[column], action, done)
                if reward:
                    expected_rewards[pid] += amounts[reward]
                console.print(
                    f"  ✓ {description}: due {due}, completed {done.date()}"
                    + (f" → voucher {reward}" if reward else "")
                )
            follow_up = {
                c: max(1, min(5, s + rng.choice((-1, 0, 1, 1)))) for c, s in intake.items()
            }
            client.assess(pid, follow_up, now, _asked(rng, employed or rng.random() < 0.4, True))
        _show_index(console, client, ids[0])
        _show_progress(console, client, ids, expected_rewards)
        _show_outcomes(console, now.strftime("%Y-%m"), len(ids))
    finally:
        client.close()
    return ids


def _asked(rng: random.Random, employed: bool, later: bool) -> dict[str, Any]:
    """The Table 4 facts asked at an assessment (the Bridge tells the budget and the buffer)."""
    return {
        "employed": employed,
        "enrolled_in_education": later and rng.random() < 0.4,
        "changed_job_in_year": later and employed and rng.random() < 0.3,
        "career_pays_index": later and employed and rng.random() < 0.3,
        "home_owner": False,
        "savings": f"{rng.randint(0, 8) * 50 if later else 0}.00",
    }


def _show_outcomes(console: Console, cohort: str, expected: int, timeout: float = 30.0) -> None:
    """Reporting's Table 4 for the demo's cohort beside EMPath's published figures, as the
    organisation's administrator sees it (a mentor sees no figures of many)."""
    administrator = SteigerClient(headers=bearer(Role.ADMINISTRATOR))
    try:
        _show_table_4(console, administrator, cohort, expected, timeout)
    finally:
        administrator.close()


def _show_table_4(
    console: Console, client: SteigerClient, cohort: str, expected: int, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while True:  # until every demo participant's facts have reached reporting
        table = client.outcomes_table("cohort")
        group = next((g for g in table["groups"] if g["key"] == cohort), None)
        if group and (
            group["suppressed"] or group["points"]["now"]["known"]["employed"] >= expected
        ):
            break
        if time.monotonic() > deadline:
            break
        time.sleep(0.3)
    if group is None or group["suppressed"]:
        console.print(f"Table 4 for cohort {cohort}: suppressed (fewer than "
                      f"{table['minimum_cell']} participants)")  # fmt: skip
        return
    view = Table(title=f"Table 4 for cohort {cohort} (GET :8006/outcomes/cohort)")
    for column in ("indicator", "intake", "now", "EMPath start → 2.5 years"):
        view.add_column(column)
    points, reference = group["points"], table["reference"]["shares"]
    for fact, published in reference.items():
        shares = [points[p]["shares"][fact] for p in ("intake", "now")]
        view.add_row(
            fact.replace("_", " "),
            *("–" if s is None else f"{s:.0%}" for s in shares),
            f"{published['start']:.0%} → {published['later']:.0%}",
        )
    savings = [points[p]["mean_savings"] for p in ("intake", "now")]
    view.add_row("mean savings", *(f"€ {s}" if s else "–" for s in savings), "$0 → $1,345")
    console.print(view)


def _show_index(console: Console, client: SteigerClient, pid: str, timeout: float = 30.0) -> None:
    """The index the first participant's household (one adult, two school-age children)
    needs, tailored from the Dutch table's per-person costs, in their municipality."""
    body = {"table_id": "nl-steiger", "table_version": "2026", "monthly_income": "1650.00"}
    deadline = time.monotonic() + timeout
    answer = client.get_economic_independence(pid, body)
    while answer is None and time.monotonic() < deadline:  # the intake is on its way
        time.sleep(0.3)
        answer = client.get_economic_independence(pid, body)
    if answer is None:
        console.print("[red]the household did not reach the bridge service in time[/red]")
        return
    index = answer["index"]
    table = Table(
        title=f"Economic Independence Index of {pid[:8]} "
        "(POST :8002/participants/{id}/economic-independence)"
    )
    for column in ("household", "basis", "housing of", "a month", "an hour", "gap"):
        table.add_column(column)
    table.add_row(
        index["household_type"], index["basis"], index["municipality"] or "the table",
        f"€ {index['monthly']}", f"€ {index['hourly']}", f"€ {answer['gap']}",
    )  # fmt: skip
    console.print(table)


def _show_progress(
    console: Console,
    client: SteigerClient,
    ids: list[str],
    expected: dict[str, Decimal],
    timeout: float = 30.0,
) -> None:
    deadline = time.monotonic() + timeout
    views: dict[str, dict] = {}
    while time.monotonic() < deadline:
        views = {pid: client.progress(pid) or {} for pid in ids}
        if all(
            Decimal(v.get("rewards", {}).get("total", "-1")) == expected[pid]
            and len(v.get("bridge", {}).get("columns", {})) == len(BRIDGE_COLUMNS)
            for pid, v in views.items()
        ):
            break
        time.sleep(0.3)
    table = Table(title="What reporting shows (GET :8006/participants/{id}/progress)")
    for column in (
        "participant",
        "Bridge points intake → now",
        "goals",
        "deadlines met",
        "late",
        "missed",
        "rewards",
    ):
        table.add_column(column)
    for pid, view in views.items():
        bridge = view.get("bridge", {})
        total = bridge.get("total_points", 0)
        change = bridge.get("total_change_since_intake", 0)
        deadlines = view.get("deadlines", {})
        table.add_row(
            pid[:8],
            f"{total - change} → {total} ({change:+d})",
            str(len(view.get("goals", []))),
            str(deadlines.get("met", 0)),
            str(deadlines.get("completed_late", 0)),
            str(deadlines.get("missed", 0)),
            f"€ {view.get('rewards', {}).get('total', '0.00')}",
        )
    console.print(table)


PARTNER = "schuldhulp-demo"


class PartnerReceiver:
    """A chain partner's webhook receiver on this machine: keeps what it is sent."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append(json.loads(body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/steiger"

    def __enter__(self) -> PartnerReceiver:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _listening_partner(client: SteigerClient, url: str) -> None:
    """The demo's partner, subscribed to plans and rewards at this run's receiver (its
    subscriptions of earlier runs end)."""
    partners = client.get("notifications", "/partners")
    if partners.status_code == 200 and any(p["key"] == PARTNER for p in partners.json()):
        for old in client.get("notifications", f"/partners/{PARTNER}/subscriptions").json():
            if not old["ended"]:
                path = f"/partners/{PARTNER}/subscriptions/{old['subscription_id']}"
                client.http.delete(client.base["notifications"] + path)
    else:
        client.register_partner(
            PARTNER, "Schuldhulp (demo)", "00000001822477348000", "beheer@schuldhulp.example"
        )
    client.subscribe(PARTNER, ["nl.steiger.planning.*", "nl.steiger.rewards.*"], url)


def _show_partner(console: Console, receiver: PartnerReceiver, quiet: float = 3.0) -> None:
    """What the partner received, once nothing more came for `quiet` seconds."""
    deadline, count = time.monotonic() + 30, -1
    while len(receiver.received) != count and time.monotonic() < deadline:
        count = len(receiver.received)
        time.sleep(quiet)
    table = Table(title=f"What {PARTNER} received (signed webhooks; pseudonyms of its own)")
    for column in ("participant (its pseudonym)", "its reference", "events"):
        table.add_column(column)
    by_subject: dict[str, list[dict[str, Any]]] = {}
    for event in receiver.received:
        by_subject.setdefault(event["subject"], []).append(event)
    for subject, events in by_subject.items():
        kinds: dict[str, int] = {}
        for e in events:
            kind = e["type"].split(".")[3]
            kinds[kind] = kinds.get(kind, 0) + 1
        table.add_row(
            subject[:8] + "…",
            events[0].get("clientreference", ""),
            ", ".join(f"{n} {kind}" for kind, n in kinds.items()),
        )
    console.print(table)
