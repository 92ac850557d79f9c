"""The benchmark's wrk load against the whole system: the mix it sends, and that what it
counts as accepted is what the services recorded."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from steiger.cli import wrk_load
from steiger.cli.bench import Http, Load
from steiger.shared.services import SERVICES

from .conftest import staff_token

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not wrk_load.available(), reason="wrk is not installed (.ci/run does)"),
]


NO_VIEW = {"bridge": {"timeline": {}}, "actions": []}


def test_what_the_wrk_load_counts_as_accepted_is_what_reporting_shows(system, e2e):
    client = e2e.client(system)
    urls = {name: client.base[name] for name in SERVICES}
    participants = [client.register(f"Deelnemer {n}", {"adults": 1}) for n in range(20)]
    goals = {pid: client.set_goal(pid, "Werk vinden", "income", 4) for pid in participants}

    authorization = f"Bearer {staff_token(system)}"

    async def load() -> dict:
        # registering as the benchmark does
        async with aiohttp.ClientSession(headers={"Authorization": authorization}) as session:
            return await wrk_load.throughput(
                urls, goals, 2, Load(Http(session), urls).register_status, authorization
            )

    result = asyncio.run(load())

    assert result["refused"] == {}
    sent = result["accepted_by_kind"]
    assert set(sent) == {"assess", "plan", "complete", "register"}
    assert result["accepted"] == sum(sent.values())
    others = sent["assess"] + sent["plan"] + sent["complete"]
    # one for every nine, as they went; on a busy machine they fall somewhat behind
    owed = others // wrk_load.COMMANDS_PER_REGISTRATION
    assert 0.5 * owed <= sent["register"] <= owed + wrk_load.REGISTRARS

    def recorded() -> tuple[int, int, int]:
        views = [
            client.progress(pid) or {"bridge": {"timeline": {}}, "actions": []} for pid in goals
        ]
        positions = sum(len(h) for v in views for h in v["bridge"]["timeline"].values())
        actions = [a for v in views for a in v["actions"]]
        completed = sum(1 for a in actions if a["status"] == "completed")
        return positions, len(actions), completed

    # Two columns an assessment, each its own moment; every plan and completion. wrk stops
    # with a command in flight on each connection: done, but not counted (the figure errs low).
    counted = (2 * sent["assess"], sent["plan"], sent["complete"])
    e2e.wait_until(lambda: all(r >= c for r, c in zip(recorded(), counted, strict=True)))
    positions, actions, completed = recorded()
    in_flight = wrk_load.CONNECTIONS
    assert positions - counted[0] <= 2 * in_flight["bridge"]
    assert (actions - counted[1]) + (completed - counted[2]) <= in_flight["planning"]
