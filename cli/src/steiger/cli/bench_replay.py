"""The replay benchmark: a generated history of N events on the embedded broker, read raw
(records only, no decoding, no projection) and then rebuilt by reporting's offline rebuild
(read, decode, project, write a store), in the same run."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaProducer
from rich.console import Console

from steiger.cli.broker import EmbeddedBroker
from steiger.cli.histories import history
from steiger.cli.runtime import configured_partitions
from steiger.shared import cloudevents
from steiger.shared.contracts import IntegrationEvent
from steiger.shared.kafka import ensure_topics, records_from_beginning
from steiger.shared.settings import secret_kept_in
from steiger.shared.topics import CONSUMES, events_topic

SOURCE = "urn:nld:oin:00000000000000000000:systeem:steiger-bench"


async def produce(bootstrap: str, events: int, signing_key: bytes) -> float:
    topics = [events_topic(p) for p in CONSUMES["reporting"]]
    await ensure_topics(bootstrap, topics, configured_partitions())  # as reporting reads them
    began = time.monotonic()
    await publish(bootstrap, history(events), lambda _producer: SOURCE, signing_key)
    return time.monotonic() - began


async def publish(
    bootstrap: str,
    events: Iterable[IntegrationEvent],
    source_of: Callable[[str], str],
    signing_key: bytes,
) -> int:
    """Each event on its producer's topic, signed, with the producer's next sequence, as
    `source_of(producer)`; returns how many."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, enable_idempotence=False, acks=1, linger_ms=20,
        max_batch_size=1024 * 1024, max_request_size=8 * 1024 * 1024,
    )  # fmt: skip
    await producer.start()
    sequences: dict[str, int] = {}
    sent = 0
    try:
        pending = []
        for event in events:
            topic = events_topic(event.producer)
            sequences[topic] = sequences.get(topic, 0) + 1
            record = cloudevents.encode(
                event, event_id=f"{topic}:{sequences[topic]}", source=source_of(event.producer),
                time=dt.datetime.now(dt.UTC), sequence=sequences[topic], traceparent=None,
                signing_key=signing_key,
            )  # fmt: skip
            headers = [(k, v.encode()) for k, v in record.headers.items()]
            pending.append(
                await producer.send(topic, record.value, key=record.key, headers=headers)
            )
            sent += 1
            if sent % 20000 == 0:
                await asyncio.gather(*pending)
                pending = []
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return sent


async def read_raw(bootstrap: str) -> tuple[int, float]:
    """Every record of the producers' topics, counted and nothing else."""
    topics = [events_topic(p) for p in CONSUMES["reporting"]]
    count, began = 0, time.monotonic()
    async for batch in records_from_beginning(bootstrap, topics):
        count += len(batch)
    return count, time.monotonic() - began


def bench_replay(console: Console, out_dir: Path, events: int, port: int) -> dict[str, Any]:
    broker = EmbeddedBroker(port=port)
    broker.start()
    var_dir = out_dir / "var-replay"
    shutil.rmtree(var_dir, ignore_errors=True)
    try:
        with console.status(f"producing {events:,} events…"):
            # signed with the key the offline rebuild finds in the same var directory
            signing_key = secret_kept_in(var_dir, "event-signing.key")
            produce_seconds = asyncio.run(produce(broker.bootstrap_servers, events, signing_key))
        with console.status("reading them raw…"):
            raw_count, raw_seconds = asyncio.run(read_raw(broker.bootstrap_servers))
        with console.status("rebuilding reporting from them…"):
            finished = subprocess.run(
                [sys.executable, "-m", "steiger.reporting.rebuilding.offline",
                 "--var-dir", str(var_dir), "--bootstrap-servers", broker.bootstrap_servers],
                check=True, capture_output=True, text=True,
            )  # fmt: skip
        rebuild = json.loads(finished.stdout.strip().splitlines()[-1])
    finally:
        broker.stop()
    raw_rate = raw_count / raw_seconds
    return {
        "events": raw_count,
        "produce_seconds": round(produce_seconds, 1),
        "raw_read": {"seconds": round(raw_seconds, 2), "events_per_second": round(raw_rate)},
        "rebuild": rebuild,
        "rebuild_to_raw_ratio": round(rebuild["events_per_second"] / raw_rate, 3),
        "store": "sqlite",
    }
