"""Erasure reaches every corner: a participant with distinctive personal data and distinctive
words in every free-text field of every service is taken through the whole system, erased,
and then nothing of it is readable in any file the system wrote (stores with their -wal
and -journal files, key stores, audit trails, logs, the mail drop; on PostgreSQL every
table file, the server's write-ahead log and its log), on any topic, or in any export,
while reporting still counts them."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer

from steiger.shared.kafka import records_from_beginning

from .conftest import own_database, start_system
from .test_notifications import midday_zone

pytestmark = pytest.mark.e2e

PERSONAL = {
    "name": "Zwanhilde Quirijnsma",
    "email": "zwanhilde.q@voorbeeld.nl",
    "phone": "0698765432",
    "bsn": "111222333",
}
TEXTS = {
    "goal title": "Kwijtschelding Wobbegong aanvragen",
    "goal why": "Omdat Pimpelmees het huis wil houden",
    "goal support": "Buurvrouw Tjitske helpt",
    "goal revision": "Herzien om Flamingorood",
    "action": "Formulier Okapiblauw invullen",
    "reschedule": "Verzet wegens Narwalziekte",
    "cancellation": "Geschrapt door Axolotlgedoe",
    "discontinuation": "Gestopt vanwege Quokkaschuld",
    "reflection": "Geleerd dat Capibararust werkt",
    "meeting place": "Wijkcentrum Tapirhoek",
    "meeting summary": "Besproken: Gnoekredieten afbetalen",
    "meeting risk": "Risico Pangolinbeslag",
    "meeting topic": "Onderwerp Dugongschuld",
    "bridge note": "Notitie Kwartelvlucht bij inkomen",
    "reward reference": "VOUCHER-MARMOT-7731",
    "pause reason": "Pauze wegens Beverkoorts",
}
NEEDLES = [*PERSONAL.values(), *TEXTS.values()]


def readable(haystack: bytes, needle: str) -> bool:
    """The needle as text, as hex or as base64 (of every alignment) anywhere in the bytes."""
    raw = needle.encode()
    forms = [raw, raw.hex().encode(), raw.hex().upper().encode()]
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + raw)[4 if shift else 0 :][:-4]
        forms.append(encoded)
    return any(form in haystack for form in forms)


async def every_record(bootstrap: str) -> dict[str, bytes]:
    listing = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await listing.start()
    try:
        topics = sorted(await listing.topics())
    finally:
        await listing.stop()
    found = {}
    for topic in topics:
        parts = []
        async for batch in records_from_beginning(bootstrap, [topic]):
            for record in batch:
                parts += [record.key or b"", record.value or b""]
                parts += [value for _, value in record.headers or ()]
        found[topic] = b"\n".join(parts)
    return found


def every_file(*directories: Path) -> dict[Path, bytes]:
    return {
        path: path.read_bytes()
        for directory in directories
        for path in directory.rglob("*")
        if path.is_file()
    }


@pytest.fixture(params=["sqlite", "postgres"])
def store(request) -> tuple[dict[str, str], list[Path]]:
    """The system's stores: SQLite files in its var directory (searched anyway), or a
    database of its own on the throwaway PostgreSQL server, whose data directory (table
    files, write-ahead log, server log) is searched too."""
    if request.param == "sqlite":
        return {}, []
    env, data_directory = own_database(request.getfixturevalue("postgres_dsn"), "steiger_erasure")
    return env, [data_directory.parent]  # the throwaway server's data, and its log


def checkpoint(env: dict[str, str]) -> None:
    if env:
        import psycopg

        with psycopg.connect(env["STEIGER_DATABASE_URL"], autocommit=True) as db:
            db.execute("CHECKPOINT")


def test_after_erasure_no_text_about_the_participant_is_readable_anywhere(tmp_path, e2e, store):
    database, server_files = store
    env = {"STEIGER_NOTIFICATIONS_DISPATCH_SECONDS": "0.05", "STEIGER_TIMEZONE": midday_zone()}
    system = start_system(tmp_path, env | database)
    try:
        client = e2e.client(system)
        urls = {name: s.url for name, s in system.services.items()}

        def post(service: str, path: str, body: dict, expect: int = 201) -> dict:
            response = client.http.post(urls[service] + path, json=body)
            assert response.status_code == expect, (path, response.text)
            return response.json() if response.content else {}

        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        today = now.date()
        pid = client.register(
            PERSONAL["name"], {"adults": 1}, **{k: v for k, v in PERSONAL.items() if k != "name"}
        )
        post(
            "bridge",
            f"/participants/{pid}/assessments",
            {
                "definition_id": "nl-alphen",
                "definition_version": "2017-09-07",
                "steps": {"income": 2, "debts": 1},
                "assessed_at": (now - dt.timedelta(days=1)).isoformat(),
                "notes": {"income": TEXTS["bridge note"]},
            },
        )
        goal = post(
            "planning",
            f"/participants/{pid}/goals",
            {
                "title": TEXTS["goal title"],
                "horizon": "short",
                "column": "debts",
                "target_step": 2,
                "why": TEXTS["goal why"],
                "supports": [TEXTS["goal support"]],
            },
        )["id"]
        post(
            "planning",
            f"/goals/{goal}/revisions",
            {"why": TEXTS["goal revision"], "plan_b": TEXTS["goal revision"]},
            expect=204,
        )
        due = (today + dt.timedelta(days=7)).isoformat()
        actions = [
            post(
                "planning",
                f"/goals/{goal}/actions",
                {"description": TEXTS["action"], "due_on": due, "reward_item": item},
            )["id"]
            for item in ("payment-arrangements-all-creditors", None, None)
        ]
        post(
            "planning",
            f"/goals/{goal}/actions/{actions[0]}/completion",
            {"completed_at": now.isoformat()},
            expect=204,
        )
        post(
            "planning",
            f"/goals/{goal}/actions/{actions[1]}/reschedule",
            {"due_on": (today + dt.timedelta(days=9)).isoformat(), "reason": TEXTS["reschedule"]},
            expect=204,
        )
        post(
            "planning",
            f"/goals/{goal}/actions/{actions[2]}/cancellation",
            {"reason": TEXTS["cancellation"]},
            expect=204,
        )
        meeting = post(
            "planning",
            f"/participants/{pid}/meetings",
            {"at": (now + dt.timedelta(hours=2)).isoformat(), "place": TEXTS["meeting place"]},
        )["id"]
        post(
            "planning",
            f"/meetings/{meeting}/record",
            {
                "held_on": today.isoformat(),
                "duration_minutes": 60,
                "crisis_minutes": 10,
                "goal_minutes": 40,
                "topics": [TEXTS["meeting topic"]],
                "summary": TEXTS["meeting summary"],
                "risks": [TEXTS["meeting risk"]],
            },
            expect=204,
        )
        second = client.set_goal(pid, TEXTS["goal title"], "income", 3)
        post(
            "planning",
            f"/goals/{second}/discontinuation",
            {"reason": TEXTS["discontinuation"], "conversation": TEXTS["discontinuation"]},
            expect=204,
        )
        client.achieve_goal(goal)  # celebrated by e-mail, with the goal's title
        post(
            "planning",
            f"/goals/{goal}/reflections",
            {
                "what_worked": TEXTS["reflection"],
                "what_did_not": TEXTS["reflection"],
                "lessons": TEXTS["reflection"],
                "ready_for_higher_goals": True,
            },
            expect=204,
        )
        ledger = e2e.wait_until(
            lambda: client.get("rewards", f"/participants/{pid}/rewards").json()["earned"] or None
        )
        post(
            "rewards",
            f"/participants/{pid}/rewards/{ledger[0]['reward_id']}/issue",
            {"reference": TEXTS["reward reference"], "by": "mentor"},
            expect=204,
        )

        def mailed() -> bool:
            drop = system.var_dir / "mail"
            return any(readable(m.read_bytes(), TEXTS["goal title"]) for m in drop.rglob("*.eml"))

        e2e.wait_until(mailed, timeout=60)
        # after the celebration went out: a pause cancels what has not been sent yet
        post("participant", f"/participants/{pid}/pause", {"reason": TEXTS["pause reason"]}, 204)
        post("participant", f"/participants/{pid}/resume", {}, expect=204)
        dashboard = e2e.wait_until(
            lambda: client.get("reporting", "/dashboards/programme").json() or None
        )
        before = sum(group["participants"] for group in dashboard["groups"].values())
        assert before >= 1
        # what the search below looks for is there to be found before the erasure
        files = b"".join(every_file(system.var_dir).values())
        assert readable(files, TEXTS["goal title"]) and readable(files, PERSONAL["email"])

        erasure = client.http.delete(f"{urls['participant']}/participants/{pid}")
        assert erasure.status_code == 204, erasure.text
        paths = {
            "bridge": f"/participants/{pid}/positions",
            "planning": f"/goals/{goal}",
            "rewards": f"/participants/{pid}/rewards",
            "notifications": f"/participants/{pid}/notifications",
            "reporting": f"/participants/{pid}/progress",
            "participant": f"/participants/{pid}",
        }
        for service, path in paths.items():
            e2e.wait_until(lambda s=service, p=path: client.get(s, p).status_code == 410)
        assert client.http.delete(f"{urls['participant']}/participants/{pid}").status_code == 410

        exports = []
        for path in (
            "/exports/evaluation.csv",
            "/exports/evaluation.parquet",
            f"/exchange/{today.year}",
        ):
            response = client.get("reporting", path)
            assert response.status_code == 200, (path, response.text)
            exports.append(response.content)
        dashboard = client.get("reporting", "/dashboards/programme").json()
        assert sum(group["participants"] for group in dashboard["groups"].values()) == before
        topics = asyncio.run(every_record(system.bootstrap_servers))
        assert len(topics) >= 5
    finally:
        client.close()
        system.stop()  # the broker is memory only: its topics were read above
    checkpoint(database)

    files = every_file(system.var_dir, *server_files)
    assert any(p.suffix == ".log" for p in files)
    if database:
        assert any("pg_wal" in p.parts for p in files) and any("base" in p.parts for p in files)
    else:
        assert any(p.name.endswith("-keys.sqlite") for p in files)
    for needle in NEEDLES:
        for path, content in files.items():
            assert not readable(content, needle), (needle, path)
        for topic, content in topics.items():
            assert not readable(content, needle), (needle, topic)
        for export in exports:
            assert not readable(export, needle), needle
