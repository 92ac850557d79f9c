"""The whole history reporting projects, from one of two sources:

- **stores** (the default): each producing service's own event store, read page by page at
  its `/outbox` endpoint. The stores are the record of what happened and never expire.
- **kafka**: the producers' topics from the beginning. Faster to reach, but complete only
  while the topics' retention keeps everything (the embedded broker keeps nothing across a
  restart).

Both yield (integration event, source, sequence) with `source` = `<topic>#<partition>`, the
name the live consumer tracks, so a rebuilt store continues where the history ended."""

from __future__ import annotations

import asyncio
import queue
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

import httpx
import structlog
from aiokafka.partitioner import DefaultPartitioner

from steiger.shared import cloudevents
from steiger.shared.concurrency import in_own_thread
from steiger.shared.kafka import records_from_beginning
from steiger.shared.tokens import ServiceCredentials
from steiger.shared.topics import events_topic

Item = tuple[Any, str, int]
log = structlog.get_logger(__name__)


def from_stores(
    urls: Mapping[str, str],
    partitions: int,
    signing_key: bytes,
    credentials: ServiceCredentials,
    page: int = 5000,
) -> Iterator[Item]:
    """Every producer's published events, read from its store (with reporting's own token);
    the partition is the one the relay's producer chose for the key (Kafka's default murmur2
    partitioner)."""
    partitioner = DefaultPartitioner()
    all_partitions = list(range(partitions))
    with httpx.Client(timeout=60.0) as http:
        for producer, url in urls.items():
            topic, after = events_topic(producer), 0
            while True:
                response = http.get(
                    f"{url}/outbox",
                    params={"after": after, "limit": page},
                    headers=credentials.headers(),
                )
                response.raise_for_status()
                body = response.json()
                if body["last"] is None:
                    break
                for record in body["records"]:
                    key = record["key"].encode()
                    headers = [(k, v.encode()) for k, v in record["headers"].items()]
                    event, sequence = cloudevents.decode_event(
                        key, record["value"].encode(), headers, signing_key
                    )
                    partition = partitioner(key, all_partitions, all_partitions)
                    yield event, f"{topic}#{partition}", sequence
                after = body["last"]


def from_kafka(
    bootstrap_servers: str,
    producers: Sequence[str],
    signing_key: bytes,
    partitions: Collection[int] | None = None,
) -> Iterator[Item]:
    """Every record of the producers' topics (of the given partition numbers, or all), from
    the beginning to their ends; a record that is not a signed event is passed over, as the
    live consumer parked it."""
    for record in kafka_records(bootstrap_servers, producers, partitions):
        if decoded := _decoded(record, signing_key):
            yield decoded[0], f"{record.topic}#{record.partition}", decoded[1]


def newer_than(
    positions: Mapping[str, int],
    bootstrap_servers: str,
    producers: Sequence[str],
    signing_key: bytes,
) -> Iterator[Item]:
    """The records past `positions` (per source): what happened since a history was read.
    Older records are passed over on their sequence header, before their signature is
    checked (a forged one there has no effect)."""
    for record in kafka_records(bootstrap_servers, producers):
        source = f"{record.topic}#{record.partition}"
        try:
            sequence = int(dict(record.headers).get("ce_sequence", b"0"))
        except ValueError:
            sequence = 0
        if sequence > positions.get(source, 0) and (decoded := _decoded(record, signing_key)):
            yield decoded[0], source, sequence


def _decoded(record: Any, signing_key: bytes) -> tuple[Any, int] | None:
    try:
        return cloudevents.decode_event(record.key, record.value, record.headers, signing_key)
    except cloudevents.PoisonMessage as poison:
        log.error(
            "record passed over in the history",
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            reason=str(poison),
        )
        return None


def kafka_records(
    bootstrap_servers: str, producers: Sequence[str], partitions: Collection[int] | None = None
) -> Iterator[Any]:
    """Raw records of the producers' topics, read by a consumer on its own thread."""
    records: queue.Queue[list[Any] | BaseException | None] = queue.Queue(maxsize=8)
    topics = [events_topic(p) for p in producers]
    thread = in_own_thread(
        "topic reader",
        lambda: asyncio.run(_read_topics(bootstrap_servers, topics, partitions, records)),
    )
    while (batch := records.get()) is not None:
        if isinstance(batch, BaseException):
            raise batch
        yield from batch
    thread.join()


async def _read_topics(
    bootstrap_servers: str,
    topics: list[str],
    numbers: Collection[int] | None,
    out: queue.Queue[Any],
) -> None:
    try:
        async for batch in records_from_beginning(bootstrap_servers, topics, numbers):
            out.put(batch)
    except BaseException as error:  # handed to the reading thread
        out.put(error)
        return
    out.put(None)
