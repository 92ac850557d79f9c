"""Chain partners' deliveries, timed (issue 27): 20 partners subscribed to planning, bridge
and rewards events; 1,000 participants of whom half consented, each to four partners. Goals
are set at 50 per second, then as fast as the system accepts them (the backbone's ≥ 500
commands per second); a local receiver (uvicorn, in this process) notes when each webhook
arrived. Latency is from when the event was recorded (its CloudEvents `time`) to its receipt;
keeping up means the deliveries of the fast phase are all in shortly after it ends."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
import statistics
import threading
import time
from typing import Any

import aiohttp
import httpx
import uvicorn
from rich.console import Console

from steiger.cli.client import BRIDGE_COLUMNS
from steiger.cli.runtime import System

PARTNERS = 20
PARTICIPANTS = 1000
CONSENTING = 500
PARTNERS_EACH = 4
OIN = "00000001822477348000"


class Receiver:
    """An ASGI app noting each webhook's arrival: (arrived, event time, partner)."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, float, str]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        arrived = time.time()
        event = json.loads(body)
        happened = dt.datetime.fromisoformat(event["time"]).timestamp()
        self.arrivals.append((arrived, happened, scope["path"]))
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def _serve(receiver: Receiver, port: int) -> uvicorn.Server:
    server = uvicorn.Server(
        uvicorn.Config(receiver, port=port, log_level="warning", lifespan="off", access_log=False)
    )
    threading.Thread(target=server.run, daemon=True, name="bench-receiver").start()
    while not server.started:
        time.sleep(0.02)
    return server


async def _setup(system: System, receiver_url: str) -> list[str]:
    """The partners, the participants and the consents; returns the participants' ids."""
    admin = {"Authorization": f"Bearer {system.token('administrator', 'mentor', 'team-lead')}"}
    urls = {name: service.url for name, service in system.services.items()}
    rng = random.Random(27)
    gate = asyncio.Semaphore(16)
    async with httpx.AsyncClient(timeout=60.0, headers=admin) as http:

        async def post(service: str, path: str, body: Any) -> Any:
            async with gate:
                answer = await http.post(urls[service] + path, json=body)
            answer.raise_for_status()
            return answer.json() if answer.content else None

        keys = [f"partner-{n:02d}" for n in range(PARTNERS)]
        for key in keys:
            await post("notifications", "/partners", {
                "key": key, "name": key, "oin": OIN, "contact_email": f"beheer@{key}.example",
                "client_id": f"partner-{key}",
            })  # fmt: skip
            types = ["nl.steiger.planning.*", "nl.steiger.bridge.*", "nl.steiger.rewards.*"]
            await post("notifications", f"/partners/{key}/subscriptions", {
                "types": types, "endpoint": f"{receiver_url}/{key}",
            })  # fmt: skip

        async def participant(n: int) -> str:
            registered = await post("participant", "/participants", {
                "name": f"Deelnemer {n}", "birth_year": 1980, "programme": "debt-help",
                "municipality": "Alphen aan den Rijn", "household": {"adults": 1},
            })  # fmt: skip
            pid = str(registered["participant_id"])
            if n < CONSENTING:
                for key in rng.sample(keys, PARTNERS_EACH):
                    await post("participant", f"/participants/{pid}/consents", {
                        "purpose": "partner-sharing", "partner": key, "text_version": "2026-01",
                        "categories": ["planning", "bridge", "rewards"],
                    })  # fmt: skip
            return pid

        return list(await asyncio.gather(*(participant(n) for n in range(PARTICIPANTS))))


async def _set_goals(
    system: System, participants: list[str], rate: float | None, duration: float
) -> tuple[int, float]:
    """Sets goals at `rate` per second (None: as fast as accepted) for `duration` seconds;
    returns how many were accepted and how long it took."""
    urls = system.services["planning"].url
    headers = {"Authorization": f"Bearer {system.token('team-lead', teams=('demo',))}"}
    rng = random.Random(50)
    accepted = 0
    started = time.monotonic()
    # aiohttp: the load generator shares the system's two cores, and costs a third of httpx
    connector = aiohttp.TCPConnector(limit=64)
    async with aiohttp.ClientSession(headers=headers, connector=connector) as http:

        async def one() -> None:
            nonlocal accepted
            pid = rng.choice(participants)
            body = {"title": "Doel", "horizon": "short", "column": rng.choice(BRIDGE_COLUMNS),
                    "target_step": 3}  # fmt: skip
            async with http.post(f"{urls}/participants/{pid}/goals", json=body) as answer:
                await answer.read()
                accepted += answer.status == 201

        if rate is not None:
            tasks = []
            for n in range(int(rate * duration)):
                await asyncio.sleep(max(0.0, started + n / rate - time.monotonic()))
                tasks.append(asyncio.create_task(one()))
            await asyncio.gather(*tasks)
        else:

            async def worker() -> None:
                while time.monotonic() - started < duration:
                    await one()

            await asyncio.gather(*(worker() for _ in range(32)))
    return accepted, time.monotonic() - started


def _latencies(arrivals: list[tuple[float, float, str]]) -> dict[str, Any]:
    samples = [(arrived - happened) * 1000 for arrived, happened, _ in arrivals]
    quantiles = statistics.quantiles(samples, n=100) if len(samples) > 1 else [0.0] * 99
    return {
        "deliveries": len(samples),
        "p50_ms": round(quantiles[49], 1),
        "p95_ms": round(quantiles[94], 1),
        "p99_ms": round(quantiles[98], 1),
        "max_ms": round(max(samples, default=0.0), 1),
    }


async def _drained(receiver: Receiver, expected: int, timeout: float) -> float:
    """Waits until `expected` deliveries arrived; returns when the last one did."""
    deadline = time.monotonic() + timeout
    while len(receiver.arrivals) < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    return max((a for a, _, _ in receiver.arrivals), default=time.time())


async def _run(system: System, receiver: Receiver, receiver_url: str, duration: float) -> Any:
    participants = await _setup(system, receiver_url)
    await asyncio.sleep(5)  # the consents reach notifications
    consenting = set(participants[:CONSENTING])
    receiver.arrivals.clear()

    def expected_for(goals: int, share: float) -> int:
        return round(goals * share * PARTNERS_EACH)

    share = len(consenting) / len(participants)
    # steady: 50 events per second
    accepted, _ = await _set_goals(system, participants, 50, duration)
    await _drained(receiver, expected_for(accepted, share) * 95 // 100, 60)
    await asyncio.sleep(3)
    steady = _latencies(receiver.arrivals)
    steady["events_per_second"] = 50
    steady["goals_set"] = accepted
    receiver.arrivals.clear()
    # as fast as the system takes commands
    started = time.time()
    accepted, took = await _set_goals(system, participants, None, duration)
    ended = time.time()
    before = len(receiver.arrivals)
    last = await _drained(receiver, before + 1, 0)
    await asyncio.sleep(1)
    while True:  # until nothing more arrives for five seconds
        count = len(receiver.arrivals)
        await asyncio.sleep(5)
        if len(receiver.arrivals) == count:
            break
    last = max(a for a, _, _ in receiver.arrivals)
    fast = _latencies(receiver.arrivals)
    fast |= {
        "commands_per_second": round(accepted / took),
        "goals_set": accepted,
        "deliveries_per_second_during_load": round(
            sum(1 for a, _, _ in receiver.arrivals if a <= ended) / (ended - started)
        ),
        "deliveries_per_second_overall": round(len(receiver.arrivals) / (last - started)),
        "drained_seconds_after_load": round(last - ended, 1),
    }
    return {
        "partners": PARTNERS,
        "participants": PARTICIPANTS,
        "consenting": CONSENTING,
        "partners_per_consent": PARTNERS_EACH,
        "steady": steady,
        "load": fast,
    }


def bench_partners(console: Console, system: System, duration: float, port: int) -> Any:
    receiver = Receiver()
    server = _serve(receiver, port)
    try:
        with console.status("measuring partner deliveries…"):
            return asyncio.run(_run(system, receiver, f"http://127.0.0.1:{port}", duration))
    finally:
        server.should_exit = True
