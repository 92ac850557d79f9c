"""The memory benchmark: each consuming service, alone on a fresh embedded broker with its
SQLite store, processes a backlog of N events on the topics it consumes (a million by
default), and its resident memory is read from the kernel once it has caught up: now
(VmRSS) and at its highest (VmHWM). The Kubernetes base's requests and limits come from these
figures (steiger.cli.manifests.RESOURCES).

The participant service consumes nothing and is not measured here: what it holds in memory
grows with the participants searched (the search index), not with events."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console

from steiger.cli.bench_replay import publish
from steiger.cli.broker import EmbeddedBroker
from steiger.cli.histories import history
from steiger.cli.runtime import ServiceProcess, configured_partitions
from steiger.shared.contracts import IntegrationEvent
from steiger.shared.contracts.participant import ConsentGranted, Household, ParticipantRegistered
from steiger.shared.kafka import ensure_topics
from steiger.shared.services import DEFAULT_PORTS
from steiger.shared.settings import secret_kept_in
from steiger.shared.topics import CONSUMES, events_topic

OIN = "00000000000000000000"


def registrations(total: int) -> Iterator[IntegrationEvent]:
    """Intakes and consents, for the services that follow only the participant service."""
    at = dt.datetime(2025, 1, 6, 9, tzinfo=dt.UTC)
    for n in range(total // 2):
        participant = uuid.UUID(int=n + 1, version=4)
        yield ParticipantRegistered(
            participant_id=participant, programme="debt-help", cohort="2025-01",
            municipality="Alphen aan den Rijn", household=Household(adults=1),
            registered_at=at,
        )  # fmt: skip
        yield ConsentGranted(
            participant_id=participant, purpose="research", text_version="2026-01",
            granted_on=at.date(),
        )  # fmt: skip


def events_for(service: str, total: int) -> Iterator[IntegrationEvent]:
    consumed = set(CONSUMES[service])
    if consumed == {"participant"}:
        yield from registrations(total)
        return
    kept = 0
    # a meeting's worth of a participant's events at a time: a live system's arrivals, not
    # the replay's harshest interleaving, which no cache of a region's size would serve
    for event in history(total * 2, burst=10):
        if event.producer in consumed:
            yield event
            kept += 1
            if kept == total:
                return


async def produce(bootstrap: str, service: str, total: int, signing_key: bytes) -> int:
    await ensure_topics(
        bootstrap, [events_topic(p) for p in CONSUMES[service]], configured_partitions()
    )
    return await publish(
        bootstrap,
        events_for(service, total),
        lambda producer: f"urn:nld:oin:{OIN}:systeem:steiger-{producer}",
        signing_key,
    )


def resident_mb(pid: int) -> dict[str, float]:
    """Now and at the highest, in MB, as the kernel counts them."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return {
        name: round(int(fields[key].split()[0]) / 1024, 1)
        for name, key in (("resident_mb", "VmRSS"), ("highest_mb", "VmHWM"))
    }


def caught_up(url: str) -> bool:
    try:
        health = httpx.get(f"{url}/health", timeout=5).json()
    except (httpx.HTTPError, ValueError):
        return False
    consumer = health.get("consumer") or {}
    lag = consumer.get("lag") or {}
    behind = [n for partitions in lag.values() if isinstance(partitions, dict)
              for n in partitions.values()]  # fmt: skip
    return bool(consumer.get("joined")) and bool(behind) and not any(behind)


def measure(console: Console, workdir: Path, service: str, total: int, port: int) -> dict[str, Any]:
    broker = EmbeddedBroker(port=port)
    var_dir = workdir / f"var-memory-{service}"
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    broker.start()
    process = ServiceProcess(
        service,
        DEFAULT_PORTS[service] + 100,
        {
            "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers,
            "STEIGER_VAR_DIR": str(var_dir),
            "STEIGER_OIN": OIN,
            "STEIGER_KAFKA_PARTITIONS": str(configured_partitions()),
            # nothing signs in: only /health is asked
            "STEIGER_OIDC_ISSUER": "http://127.0.0.1:9/unused",
        },
        var_dir / f"{service}.log",
    )
    try:
        with console.status(f"{service}: producing {total:,} events…"):
            signing_key = secret_kept_in(var_dir, "event-signing.key")
            produced = asyncio.run(produce(broker.bootstrap_servers, service, total, signing_key))
        with console.status(f"{service}: processing them…"):
            started = time.monotonic()
            process.start()
            while not caught_up(process.url):
                if not process.running():
                    raise RuntimeError(f"{service} exited; see {process.log_path}")
                time.sleep(1.0)
            seconds = time.monotonic() - started
            assert process.process is not None
            memory = resident_mb(process.process.pid)
    finally:
        process.stop()
        broker.stop()
        shutil.rmtree(var_dir, ignore_errors=True)
    return {
        "events": produced,
        "seconds": round(seconds, 1),
        "events_per_second": round(produced / seconds),
        **memory,
    }


def bench_memory(
    console: Console, workdir: Path, total: int, port: int, services: tuple[str, ...] = ()
) -> dict[str, Any]:
    measured = {}
    for service in services or tuple(CONSUMES):
        measured[service] = found = measure(console, workdir, service, total, port)
        console.print(f"{service}: {found}")  # a long run says what it found as it goes
    return measured
