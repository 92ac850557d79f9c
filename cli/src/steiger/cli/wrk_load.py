"""The benchmark's throughput load sent by wrk (`bench_load.lua`), a load generator in C.

The load generator shares the two cores with the system it measures. The Python one
(aiohttp) took a tenth of all the CPU a command took; wrk with the registrations sent from
here takes less than half of that, so the figure says more about the system and less about
the tool (docs/benchmarks.md, eighth session). The mix stays that of
the Python load: 40 % Bridge assessments, 30 % planned and 20 % completed actions, 10 %
registrations.

Each wrk thread keeps one connection to bridge or planning and sends one command at a time,
14 to bridge and 17 to planning: the two answer about equally fast, so that is 45:55. A wrk
thread cannot follow the others' pace, and registrations (at participant, less busy) came
back faster and made 16-18 % of the load, so they are sent from here instead: one for every
nine commands wrk reports accepted.

When wrk stops, each of its connections may have a command on its way: the service does it,
wrk does not count it. That is at most 31 commands, about 0.4 % of a 20-second run at 400
commands/s: the figure errs low.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

SCRIPT = os.path.join(os.path.dirname(__file__), "bench_load.lua")
CONNECTIONS = {"bridge": 14, "planning": 17}
COMMANDS_PER_REGISTRATION = 9
REGISTRARS = 4
"""Registrations in flight at most: one at a time fell behind under load (~30 a second)."""


def available() -> bool:
    return shutil.which("wrk") is not None


def _threads(urls: dict[str, str]) -> str:
    """One "service@host:port" per wrk thread."""
    return " ".join(
        f"{service}@{urlsplit(urls[service]).netloc}"
        for service, count in CONNECTIONS.items()
        for _ in range(count)
    )


async def throughput(
    urls: dict[str, str],
    goals: dict[str, str],
    duration: float,
    register: Callable[[], Awaitable[int]],
    authorization: str,
) -> dict[str, Any]:
    """Commands accepted (2xx) and refused, per kind, while wrk sends the load for `duration`
    seconds (whole seconds: wrk takes no fractions) and `register` (returning the status)
    registers people alongside; every command with the `authorization` header given."""
    threads = sum(CONNECTIONS.values())
    accepted: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    reported = asyncio.Event()
    progress, registered, load_ended = 0, 0, False

    async def registrations() -> None:
        nonlocal registered
        while not load_ended:
            if registered >= progress // COMMANDS_PER_REGISTRATION:
                reported.clear()
                await reported.wait()
                continue
            registered += 1
            status = await register()
            if status < 300:
                accepted["register"] += 1
            else:
                refused[f"register {status}"] += 1

    with tempfile.NamedTemporaryFile("w", suffix=".txt") as participants:
        participants.write("".join(f"{pid} {goal}\n" for pid, goal in goals.items()))
        participants.flush()
        env = {
            **os.environ,
            "STEIGER_WRK_THREADS": _threads(urls),
            "STEIGER_WRK_PARTICIPANTS": participants.name,
            "STEIGER_WRK_AUTHORIZATION": authorization,
        }
        started = time.monotonic()
        wrk = await asyncio.create_subprocess_exec(
            *("wrk", "-t", str(threads), "-c", str(threads), "-d", f"{max(1, round(duration))}s"),
            *("-s", SCRIPT, urls["bridge"]),
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        registrars = [asyncio.create_task(registrations()) for _ in range(REGISTRARS)]
        assert wrk.stdout is not None and wrk.stderr is not None
        summary = ""
        async for line in wrk.stdout:
            if line.startswith(b"steiger-progress "):  # so many more accepted
                progress += int(line.split()[1])
                reported.set()
            elif line.startswith(b"steiger-load "):
                summary = line.decode().removeprefix("steiger-load ")
        errors = await wrk.stderr.read()
        await wrk.wait()
        load_ended = True
        reported.set()
        await asyncio.gather(*registrars)  # the registrations on their way, if any
        elapsed = time.monotonic() - started
    if wrk.returncode != 0 or not summary:
        raise RuntimeError(f"wrk failed ({wrk.returncode}): {errors.decode()}")
    for thread in json.loads(summary):
        accepted.update(thread["accepted"])
        refused.update(thread["refused"])
    return {
        "load_generator": "wrk",
        "connections": threads + REGISTRARS,
        "seconds": round(elapsed, 2),
        "accepted": sum(accepted.values()),
        "accepted_by_kind": dict(accepted),
        "refused": dict(refused),
        "commands_per_second": round(sum(accepted.values()) / elapsed, 1),
    }
