"""`steiger bench`: throughput and end-to-end latency of the whole system on the embedded
defaults (SQLite stores, embedded broker), started fresh in a temporary directory.

(a) throughput: closed loops send a mix of commands across the services for a while (wrk,
    see `wrk_load`, or Python workers where wrk is not installed); commands/s accepted and
    the CPU each cost per process, then the time until every consumer has caught up and
    notifications has sent what fell due (no backlog hidden), and the CPU per command over
    load and catch-up together: all the work a command caused.
(b) latency: an open loop at a fixed rate; for each command, the time from sending it to its
    effect being visible in reporting's progress view (read, then long-polled for changes).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import os
import platform
import random
import shutil
import socket
import statistics
import time
import timeit
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import uvloop
from aiokafka import AIOKafkaConsumer, TopicPartition
from rich.console import Console
from rich.table import Table

from steiger.cli import wrk_load
from steiger.cli.bench_import import bench_import
from steiger.cli.broker import EmbeddedBroker
from steiger.cli.client import BRIDGE, BRIDGE_COLUMNS
from steiger.cli.cpu_use import cpu_seconds, per_command
from steiger.cli.credentials import DEMO_TEAM
from steiger.cli.runtime import System
from steiger.shared.services import SERVICES
from steiger.shared.topics import CONSUMES, PRODUCERS, events_topic

AMS = ZoneInfo("Europe/Amsterdam")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Reply:
    def __init__(self, status_code: int, body: Any, etag: str | None = None) -> None:
        self.status_code, self.body, self.etag = status_code, body, etag

    def json(self) -> Any:
        return self.body

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise RuntimeError(f"{self.status_code}: {self.body}")


class Http:
    """aiohttp, because the load generator shares the two cores with the system it measures
    (httpx cost it about half a core at this load)."""

    def __init__(
        self, session: aiohttp.ClientSession, operator: dict[str, str] | None = None
    ) -> None:
        self.session = session
        self.operator = operator
        """The Authorization of an operator, for what only operators see (the queue)."""

    async def post(self, url: str, json: Any, headers: dict[str, str] | None = None) -> Reply:
        async with self.session.post(url, json=json, headers=headers) as response:
            body = await response.json(content_type=None) if response.content_length != 0 else None
            return Reply(response.status, body)

    async def put(self, url: str, json: Any) -> Reply:
        async with self.session.put(url, json=json) as response:
            return Reply(response.status, None)

    async def get(self, url: str, headers: dict[str, str] | None = None) -> Reply:
        async with self.session.get(url, headers=headers) as response:
            body = await response.json(content_type=None) if response.status != 304 else None
            return Reply(response.status, body, response.headers.get("ETag"))


class Load:
    """Participants with a goal each, and the open actions that can still be completed."""

    def __init__(
        self, http: Http, urls: dict[str, str], mentors: list[dict[str, str]] | None = None
    ) -> None:
        """`mentors`: the Authorization of the mentors who register participants, in turn
        (each takes on whom they register); by default the session's caller registers."""
        self.http, self.urls = http, urls
        self.mentors = itertools.cycle(mentors or [{}])
        self.goals: dict[str, str] = {}
        self.open_actions: list[tuple[str, str]] = []
        self.rng = random.Random(11)
        self.numbers = itertools.count(1)

    async def register(self, email: str | None = None) -> Reply:
        return await self.http.post(
            f"{self.urls['participant']}/participants",
            json={
                "name": "Bench Deelnemer",
                "birth_year": 1990,
                "email": email,
                "municipality": "Zaanstad",
                "programme": "re-integration",
                "household": {"adults": 1},
            },
            headers=next(self.mentors) or None,
        )

    async def register_status(self) -> int:
        return (await self.register()).status_code

    async def add_participant(self) -> None:
        """A participant the load works with: reachable by e-mail and without quiet hours, so
        each reward is celebrated with a message at once (an address looked up, a message
        rendered and sent) whatever the hour the benchmark runs at. With the default quiet
        hours (21:00-08:00 in Amsterdam) an evening run put every celebration off until the
        morning and measured less work than a daytime one."""
        registered = await self.register(email=f"deelnemer{next(self.numbers)}@bench.example")
        registered.raise_for_status()
        pid = registered.json()["participant_id"]
        r = await self.http.put(
            f"{self.urls['participant']}/participants/{pid}/contact-preferences",
            json={"channels": ["email"], "quiet_from": None, "quiet_until": None},
        )
        r.raise_for_status()
        r = await self.http.post(
            f"{self.urls['planning']}/participants/{pid}/goals",
            json={"title": "Werk vinden", "horizon": "long", "column": "income", "target_step": 4},
        )
        r.raise_for_status()
        self.goals[pid] = r.json()["id"]

    async def assess(self, pid: str, steps: dict[str, int], at: dt.datetime) -> Reply:
        return await self.http.post(
            f"{self.urls['bridge']}/participants/{pid}/assessments",
            json={
                **BRIDGE,
                "steps": steps,
                "assessed_at": at.isoformat(),
            },
        )

    async def plan(self, pid: str) -> Reply:
        due = dt.datetime.now(AMS).date() + dt.timedelta(days=self.rng.randint(1, 30))
        r = await self.http.post(
            f"{self.urls['planning']}/goals/{self.goals[pid]}/actions",
            json={
                "description": "Sollicitatiebrief sturen",
                "due_on": due.isoformat(),
                "reward_item": self.rng.choice([None, "digid-applied"]),
            },
        )
        if r.status_code == 201:
            self.open_actions.append((self.goals[pid], r.json()["id"]))
        return r

    async def complete(self) -> Reply | None:
        if not self.open_actions:
            return None
        goal, action = self.open_actions.pop(self.rng.randrange(len(self.open_actions)))
        return await self.http.post(
            f"{self.urls['planning']}/goals/{goal}/actions/{action}/completion",
            json={"completed_at": dt.datetime.now(AMS).isoformat()},
        )

    async def one_command(self) -> int:
        pid = self.rng.choice(list(self.goals))
        roll = self.rng.random()
        if roll < 0.4:
            steps = {c: self.rng.randint(1, 5) for c in self.rng.sample(BRIDGE_COLUMNS, 2)}
            response = await self.assess(pid, steps, dt.datetime.now(AMS))
        elif roll < 0.7:
            response = await self.plan(pid)
        elif roll < 0.9:
            response = await self.complete() or await self.plan(pid)
        else:
            response = await self.register()
        return response.status_code


async def throughput(load: Load, duration: float, workers: int) -> dict[str, Any]:
    """The load from Python, where wrk is not installed (see `wrk_load`)."""
    accepted = 0
    refused: Counter[str] = Counter()
    stop_at = time.monotonic() + duration

    async def worker() -> None:
        nonlocal accepted
        while time.monotonic() < stop_at:
            try:
                status = await load.one_command()
            except aiohttp.ClientError as error:
                refused[type(error).__name__] += 1
                continue
            if status < 300:
                accepted += 1
            else:
                refused[str(status)] += 1

    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(workers)))
    elapsed = time.monotonic() - started
    return {
        "load_generator": "aiohttp",
        "workers": workers,
        "seconds": round(elapsed, 2),
        "accepted": accepted,
        "refused": dict(refused),
        "commands_per_second": round(accepted / elapsed, 1),
    }


async def consumer_lag(bootstrap: str) -> int:
    """Records not yet processed by the consuming services, over all their topics: the end
    offsets minus each group's committed offsets (read without joining the group)."""
    lag = 0
    for consumer, producers in CONSUMES.items():
        probe = AIOKafkaConsumer(
            bootstrap_servers=bootstrap, group_id=f"steiger-{consumer}", enable_auto_commit=False
        )
        await probe.start()
        try:
            await probe.topics()
            partitions = [
                TopicPartition(events_topic(p), n)
                for p in producers
                for n in probe.partitions_for_topic(events_topic(p)) or ()
            ]
            ends = await probe.end_offsets(partitions)
            for tp, end in ends.items():
                lag += max(0, end - (await probe.committed(tp) or 0))
        finally:
            await probe.stop()
    return lag


async def relays_caught_up(http: Http, urls: dict[str, str]) -> bool:
    for name in PRODUCERS:
        health = (await http.get(f"{urls[name]}/health")).json()
        if health["relay"]["position"] != health["store"]["notification_id"]:
            return False
    return True


async def nothing_due(http: Http, urls: dict[str, str]) -> bool:
    """Notifications has sent (or given up on) everything due by now: reminders and reward
    notices the load made due are work the system still has to do."""
    queue = await http.get(f"{urls['notifications']}/notifications/queue", http.operator)
    return queue.json()["due"] == 0


async def drain_time(http: Http, urls: dict[str, str], bootstrap: str) -> float:
    """Seconds until every effect of what was sent has happened: nothing left to send,
    every store published, every consumer group without lag."""
    started = time.monotonic()
    while not (
        await nothing_due(http, urls)
        and await relays_caught_up(http, urls)
        and await consumer_lag(bootstrap) == 0
    ):
        if time.monotonic() - started > 300:
            raise TimeoutError("the system did not catch up within 5 minutes")
        await asyncio.sleep(0.1)
    return round(time.monotonic() - started, 2)


def shows_assessment(view: dict[str, Any], column: str, at: dt.datetime) -> bool:
    latest = view["bridge"]["columns"].get(column, {}).get("latest")
    return latest is not None and dt.datetime.fromisoformat(latest["assessed_at"]) == at


def shows_action(view: dict[str, Any], action: str | None) -> bool:
    return any(a["action_id"] == action for a in view["actions"])


async def latency(load: Load, rate: float, duration: float) -> dict[str, Any]:
    samples: list[float] = []
    errors = 0
    reporting = load.urls["reporting"]
    participants = list(load.goals)

    async def probe(n: int) -> None:
        nonlocal errors
        # Round-robin over the participants, so no two probes in flight touch the same one and
        # each effect is unambiguous: the newest assessment, or a new action.
        pid = participants[n % len(participants)]
        sent = time.perf_counter()
        if n % 2:
            at = dt.datetime.now(AMS)
            column = BRIDGE_COLUMNS[n % len(BRIDGE_COLUMNS)]
            response = await load.assess(pid, {column: 1 + n % 5}, at)
            visible = partial(shows_assessment, column=column, at=at)
        else:
            response = await load.plan(pid)
            action = response.json().get("id") if response.status_code == 201 else None
            visible = partial(shows_action, action=action)
        if response.status_code >= 300:
            errors += 1
            return
        # Read the view; while it does not show the effect, wait for its next change (a long
        # poll: reporting answers when it records one), so the probes add no polling load.
        deadline, headers = sent + 10, dict[str, str]()
        while (remaining := deadline - time.perf_counter()) > 0:
            view = await load.http.get(f"{reporting}/participants/{pid}/progress", headers)
            if view.status_code == 200 and visible(view.json()):
                samples.append((time.perf_counter() - sent) * 1000)
                return
            if view.etag is None:  # no progress yet: ask again shortly
                await asyncio.sleep(0.01)
                continue
            headers = {"If-None-Match": view.etag, "Prefer": f"wait={max(1, int(remaining))}"}
        errors += 1

    tasks = []
    started = time.perf_counter()
    n = 0
    while time.perf_counter() - started < duration:
        tasks.append(asyncio.create_task(probe(n)))
        n += 1
        await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
    await asyncio.gather(*tasks)
    quantiles = statistics.quantiles(samples, n=100) if len(samples) > 1 else [0.0] * 99
    return {
        "rate_per_second": rate,
        "commands": n,
        "visible": len(samples),
        "errors": errors,
        "p50_ms": round(quantiles[49], 1),
        "p95_ms": round(quantiles[94], 1),
        "p99_ms": round(quantiles[98], 1),
        "max_ms": round(max(samples, default=0), 1),
    }


def machine() -> dict[str, Any]:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    # The machine is shared: the same code runs at different speeds at different hours. A
    # fixed piece of pure Python, timed beside every run, says how fast it was that time.
    loop = min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "calibration_sum_range_1000_us": round(loop * 1e6, 2),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


async def _mentors(
    http: Http, system: System, participant: str, count: int = 20
) -> list[dict[str, str]]:
    """`count` mentors of the benchmark's team, registered; their Authorization headers."""
    administrator = {"Authorization": f"Bearer {system.token('administrator')}"}
    found = []
    for n in range(count):
        mentor_id = str(uuid.uuid4())
        mentor = {"name": f"Mentor {n}", "team": DEMO_TEAM, "mentor_id": mentor_id}
        registered = await http.post(f"{participant}/mentors", mentor, administrator)
        assert registered.status_code == 201, registered.body
        found.append({"Authorization": f"Bearer {system.token('mentor', subject=mentor_id)}"})
    return found


async def _run(system: System, duration: float, participants: int, workers: int) -> dict[str, Any]:
    urls = {name: system.services[name].url for name in SERVICES}
    connector = aiohttp.TCPConnector(limit=256)  # long polls hold theirs while they wait
    # Every request signed in. Mentors of one team register the participants in turn, so
    # each has a caseload of their own; the other commands come from their team lead. The
    # door checks each request's token, role and case, and the audit trail records it.
    authorization = f"Bearer {system.token('team-lead', teams=(DEMO_TEAM,))}"
    async with aiohttp.ClientSession(
        connector=connector,
        timeout=aiohttp.ClientTimeout(30),
        headers={"Authorization": authorization},
    ) as session:
        http = Http(session, {"Authorization": f"Bearer {system.token('operator')}"})
        load = Load(http, urls, await _mentors(http, system, urls["participant"]))
        for _ in range(participants // 10):
            await asyncio.gather(*(load.add_participant() for _ in range(10)))
        await drain_time(http, urls, system.bootstrap_servers)
        before = cpu_seconds(system)
        if wrk_load.available():
            t = await wrk_load.throughput(
                urls, load.goals, duration, load.register_status, authorization
            )
        else:
            t = await throughput(load, duration, workers)
        t["cpu_ms_per_command"] = per_command(before, cpu_seconds(system), t["accepted"])
        t["catch_up_seconds"] = await drain_time(http, urls, system.bootstrap_servers)
        # All the work a command caused: what was put off during the load (relays behind,
        # consumer lag, notifications that fell due) is done in the catch-up. (The catch-up's
        # length is no measure of that: it includes the wait for the dispatcher's next round.)
        t["cpu_ms_per_command_including_catch_up"] = per_command(
            before, cpu_seconds(system), t["accepted"]
        )
        results: dict[str, Any] = {"throughput": t}
        results["latency"] = await latency(load, rate=50, duration=duration)
        return results


@contextmanager
def fresh_system(console: Console, var_dir: Path, web: bool = False) -> Iterator[System]:
    """A fresh system on the embedded defaults (and its web app, if asked); its stores and
    logs stay in `var_dir`."""
    shutil.rmtree(var_dir, ignore_errors=True)
    broker = EmbeddedBroker(port=_free_port())
    system = System(
        var_dir=var_dir,
        broker=broker,
        bootstrap_servers=broker.bootstrap_servers,
        ports={name: _free_port() for name in SERVICES},
        oidc_issuer=None,
        issuer_port=_free_port(),
        web_port=0 if web else None,  # a free port, chosen as the web app starts
    )
    with console.status("starting a fresh system on the embedded defaults…"):
        system.start(timeout=90)
    try:
        yield system
    finally:
        system.stop()


def run_benchmarks(
    console: Console,
    output: Path,
    duration: float,
    suites: tuple[str, ...] = ("backbone", "import"),
    participants: int = 200,
    workers: int = 32,
    import_rows: int = 10_000,
    replay_events: int = 1_000_000,
    memory_events: int = 1_000_000,
    memory_services: tuple[str, ...] = (),
) -> dict[str, Any]:
    # suites run now replace their own results; the others' stay in the file
    report: dict[str, Any] = json.loads(output.read_text()) if output.exists() else {}
    report.update(
        {
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "setup": {"store": "sqlite", "broker": "embedded tansu"},
        }
    )
    table = Table(title=f"Steiger benchmarks ({output})")
    table.add_column("measure")
    table.add_column("value")
    if "backbone" in suites:
        with (
            fresh_system(console, output.parent / "var-backbone") as system,
            console.status("measuring throughput and latency…"),
        ):
            # uvloop, as the services have: the load generator shares their two cores
            results = uvloop.run(_run(system, duration, participants, workers))
        report["backbone"] = {
            "participants": participants,
            "seconds_per_phase": duration,
            **results,
        }
        t, lat = results["throughput"], results["latency"]
        table.add_row(
            "commands/s accepted during the load",
            f"{t['commands_per_second']} (sent by {t['load_generator']}; "
            f"refused: {t['refused'] or 'none'})",
        )
        cpu = t["cpu_ms_per_command"]
        table.add_row(
            "CPU per accepted command, during the load",
            f"{cpu['total']} ms: "
            + ", ".join(f"{name} {ms}" for name, ms in list(cpu["by_process"].items())[:4]),
        )
        table.add_row("catch-up after the load", f"{t['catch_up_seconds']} s")
        table.add_row(
            "CPU per accepted command, load and catch-up",
            f"{t['cpu_ms_per_command_including_catch_up']['total']} ms",
        )
        table.add_row(
            f"latency to reporting at {lat['rate_per_second']}/s",
            f"p50 {lat['p50_ms']} ms · p95 {lat['p95_ms']} ms · p99 {lat['p99_ms']} ms",
        )
    if "import" in suites:
        with fresh_system(console, output.parent / "var-import") as system:
            report["import"] = bench_import(console, system, output.parent, import_rows)
        imported = report["import"]
        table.add_row(
            f"import of {imported['rows']} participants (CSV, CLI)",
            f"{imported['seconds']} s · {imported['rows_per_second']} rows/s",
        )
    if "replay" in suites:
        from steiger.cli.bench_replay import bench_replay

        report["replay"] = replay = bench_replay(
            console, output.parent, replay_events, _free_port()
        )
        table.add_row(
            f"replay of {replay['events']:,} events into reporting",
            f"{replay['rebuild']['events_per_second']:,} events/s · raw read "
            f"{replay['raw_read']['events_per_second']:,} events/s · ratio "
            f"{replay['rebuild_to_raw_ratio']}",
        )
    if "access" in suites:
        from steiger.cli.bench_access import bench_access

        report["access"] = access = bench_access()
        table.add_row(
            "token check per request (keys warm, token seen before)",
            f"{access['token_check_warm_ms']} ms · first check ES256 "
            f"{access['first_check_es256_ms']} ms, RS256 {access['first_check_rs256_ms']} ms",
        )
    if "memory" in suites:
        from steiger.cli.bench_memory import bench_memory

        measured_now = bench_memory(
            console, output.parent, memory_events, _free_port(), memory_services
        )
        report["memory"] = {**report.get("memory", {}), **measured_now}
        for service, measured in measured_now.items():
            table.add_row(
                f"{service}: resident memory after {measured['events']:,} events",
                f"{measured['resident_mb']} MB (highest {measured['highest_mb']} MB) · "
                f"{measured['events_per_second']:,} events/s",
            )
    if "web" in suites:
        from steiger.cli.bench_web import bench_web

        with fresh_system(console, output.parent / "var-web", web=True) as system:
            report["web"] = web = bench_web(console, system)
        for page, timed in web["pages"].items():
            table.add_row(
                f"web: {page.replace('_', ' ')}",
                f"p50 {timed['p50_ms']} ms · p95 {timed['p95_ms']} ms · max {timed['max_ms']} ms",
            )
    if "partners" in suites:
        from steiger.cli.bench_partners import bench_partners

        with fresh_system(console, output.parent / "var-partners") as system:
            report["partners"] = partners = bench_partners(console, system, duration, _free_port())
        steady, load = partners["steady"], partners["load"]
        table.add_row(
            f"partners: recorded → receipt at {steady['events_per_second']} events/s",
            f"p50 {steady['p50_ms']} ms · p95 {steady['p95_ms']} ms · "
            f"{steady['deliveries']} deliveries",
        )
        table.add_row(
            f"partners: at {load['commands_per_second']} commands/s",
            f"{load['deliveries_per_second_during_load']} deliveries/s during the load · "
            f"drained {load['drained_seconds_after_load']} s after it · p95 {load['p95_ms']} ms",
        )
    table.add_row(
        "machine speed (sum(range(1000)), lower is faster)",
        f"{report['machine']['calibration_sum_range_1000_us']} µs",
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    console.print(table)
    return report
