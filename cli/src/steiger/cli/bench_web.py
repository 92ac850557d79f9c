"""The mentors' web app's pages, timed (issue 28): a mentor with 60 participants (each with a
Bridge assessment, two goals, three actions, one done and rewarded) opens their caseload,
a participant's page and the intake; a team lead opens the caseload of a team of 2,000
participants. Each page is asked for one at a time after a warm-up, over loopback, signed in
through the development issuer as a browser would (authorization code with PKCE); the time
is the web app's answer, which includes every call it makes to the services."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import statistics
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

import httpx
from rich.console import Console

from steiger.cli.client import BRIDGE, BRIDGE_COLUMNS
from steiger.cli.issuer import DEMO_TEAM, DEMO_USERS
from steiger.cli.runtime import System

MENTOR_PARTICIPANTS = 60
TEAM_PARTICIPANTS = 2000
PER_MENTOR = 60
CONCURRENCY = 16


def sign_in(web_url: str, user_key: str) -> httpx.Client:
    """A client holding a web session of the demo user, signed in as a browser would."""
    client = httpx.Client(timeout=30.0)
    to_issuer = client.get(f"{web_url}/signin")
    authorize = urlsplit(to_issuer.headers["location"])
    asked = dict(httpx.QueryParams(authorize.query))
    issuer = f"{authorize.scheme}://{authorize.netloc}{authorize.path}"
    back = client.post(issuer, data={**asked, "user": user_key})
    landed = client.get(back.headers["location"])
    assert landed.status_code == 303, landed.text
    return client


async def _in_parallel(calls: list[Any]) -> list[Any]:
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(call: Any) -> Any:
        async with gate:
            return await call

    return await asyncio.gather(*(one(c) for c in calls))


async def _populate(system: System) -> str:
    """Anna's 60 participants, and the team's other 1,940 under mentors of their own."""
    anna = next(u for u in DEMO_USERS if u.key == "mentor")
    admin = {"Authorization": f"Bearer {system.token('administrator')}"}
    urls = {name: service.url for name, service in system.services.items()}
    rng = random.Random(28)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    async with httpx.AsyncClient(timeout=60.0) as http:
        mentors = [anna.subject]
        for n in range((TEAM_PARTICIPANTS - MENTOR_PARTICIPANTS) // PER_MENTOR + 1):
            mentor_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:steiger:bench-mentor:{n}"))
            body = {"name": f"Mentor {n:02d}", "team": DEMO_TEAM, "mentor_id": mentor_id}
            await http.post(f"{urls['participant']}/mentors", json=body, headers=admin)
            mentors.append(mentor_id)

        async def participant(mentor_id: str, full: bool) -> None:
            token = system.token("mentor", subject=mentor_id, teams=(DEMO_TEAM,))
            headers = {"Authorization": f"Bearer {token}"}

            async def post(service: str, path: str, body: Any) -> Any:
                answer = await http.post(urls[service] + path, json=body, headers=headers)
                answer.raise_for_status()
                return answer.json() if answer.content else None

            registered = await post("participant", "/participants", {
                "name": f"Deelnemer {uuid.uuid4().hex[:8]}", "birth_year": 1980,
                "municipality": "Alphen aan den Rijn", "programme": "debt-help",
                "household": {"adults": 1, "preschool_children": 0, "school_age_children": 2},
            })  # fmt: skip
            pid = registered["participant_id"]
            steps = {c: rng.randint(1, 4) for c in BRIDGE_COLUMNS}
            at = (now - dt.timedelta(days=30)).isoformat()
            await post("bridge", f"/participants/{pid}/assessments",
                       {**BRIDGE, "steps": steps, "assessed_at": at})  # fmt: skip
            if not full:
                return
            for column in ("debts", "income"):
                goal = await post("planning", f"/participants/{pid}/goals", {
                    "title": f"Een stap verder op {column}", "horizon": "short",
                    "column": column, "target_step": 4,
                })  # fmt: skip
                actions = []
                for n in range(3):
                    due = (now + dt.timedelta(days=n * 7 - 7)).date().isoformat()
                    planned = await post("planning", f"/goals/{goal['id']}/actions", {
                        "description": f"Stap {n + 1}", "due_on": due,
                        "reward_item": "digid-applied" if column == "income" and n == 0 else None,
                    })  # fmt: skip
                    actions.append(planned["id"])
                await post("planning", f"/goals/{goal['id']}/actions/{actions[0]}/completion",
                           {"completed_at": now.isoformat()})  # fmt: skip

        work = [participant(anna.subject, True) for _ in range(MENTOR_PARTICIPANTS)]
        others = TEAM_PARTICIPANTS - MENTOR_PARTICIPANTS
        work += [participant(mentors[1 + n // PER_MENTOR], False) for n in range(others)]
        await _in_parallel(work)
    return anna.subject


def _timed(client: httpx.Client, url: str, times: int) -> dict[str, Any]:
    for _ in range(3):  # warm-up: the services' caches, the web app's connections
        client.get(url).raise_for_status()
    spent = []
    for _ in range(times):
        began = time.perf_counter()
        answer = client.get(url)
        spent.append((time.perf_counter() - began) * 1000)
        answer.raise_for_status()
    spent.sort()
    return {
        "requests": times,
        "p50_ms": round(statistics.median(spent), 1),
        "p95_ms": round(spent[int(len(spent) * 0.95) - 1], 1),
        "max_ms": round(spent[-1], 1),
    }


def _caught_up(system: System, mentor_id: str) -> bool:
    token = system.token("mentor", subject=mentor_id, teams=(DEMO_TEAM,))
    answer = httpx.get(
        f"{system.services['reporting'].url}/mentors/{mentor_id}/caseload",
        headers={"Authorization": f"Bearer {token}"},
    )
    rows = answer.json().get("participants", []) if answer.status_code == 200 else []
    return len(rows) == MENTOR_PARTICIPANTS and all(r["open_actions"] == 4 for r in rows)


def bench_web(console: Console, system: System, requests: int = 200) -> dict[str, Any]:
    assert system.web is not None, "the system runs without its web app"
    web = system.web.url
    with console.status(f"registering {TEAM_PARTICIPANTS:,} participants…"):
        began = time.monotonic()
        anna = asyncio.run(_populate(system))
        populated = time.monotonic() - began
        deadline = time.monotonic() + 120
        while not _caught_up(system, anna):
            if time.monotonic() > deadline:
                raise TimeoutError("reporting did not catch up with the web benchmark's data")
            time.sleep(0.5)
    with console.status("timing the web app's pages…"):
        mentor = sign_in(web, "mentor")
        caseload = mentor.get(f"{web}/")
        ids = sorted(set(part.split('"')[0] for part in caseload.text.split('/participants/')[1:]
                         if len(part.split('"')[0]) == 36))  # fmt: skip
        assert len(ids) == MENTOR_PARTICIPANTS, len(ids)
        pages = {
            "mentor_caseload": _timed(mentor, f"{web}/", requests),
            "participant_page": _timed(mentor, f"{web}/participants/{ids[7]}", requests),
            "intake_form": _timed(mentor, f"{web}/participants/new", requests),
        }
        lead = sign_in(web, "team-lead")
        team = lead.get(f"{web}/")
        shown = team.text.count('<th scope="row">')
        pages["team_lead_caseload"] = {**_timed(lead, f"{web}/", max(40, requests // 5)),
                                       "participants_shown": shown}  # fmt: skip
    return {
        "mentor_participants": MENTOR_PARTICIPANTS,
        "team_participants": TEAM_PARTICIPANTS,
        "populate_seconds": round(populated, 1),
        "pages": pages,
    }
