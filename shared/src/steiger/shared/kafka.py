"""Kafka plumbing shared by relay, consumer, runtime and tests: topics, producer options,
reading whole topics."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator, Collection, Mapping, Sequence
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.partitioner import murmur2
from aiokafka.producer.message_accumulator import BatchBuilder
from aiokafka.structs import RecordMetadata
from faststream.security import (
    BaseSecurity,
    SASLOAuthBearer,
    SASLPlaintext,
    SASLScram256,
    SASLScram512,
)

from steiger.shared.cloudevents import KafkaRecord
from steiger.shared.internals import no_topic_auto_creation

log = structlog.get_logger(__name__)
no_topic_auto_creation()  # topics are made by the services, with the configured partitions

# Tansu (the embedded broker) rejects InitProducerId, so idempotent/transactional producers stay
# off; ordering holds because each relay waits for a batch's acknowledgements before the next.
PRODUCER_OPTIONS: dict[str, Any] = {"enable_idempotence": False, "acks": "all", "linger_ms": 2}
# A fetch waits up to `fetch_max_wait_ms` for records; the broker answers as soon as some
# arrive, so delivery is as fast as with shorter waits, and idle partitions cost the broker
# and the client a fraction of the CPU (docs/benchmarks.md, "Measurements behind the code").
CONSUMER_OPTIONS: dict[str, Any] = {"auto_offset_reset": "earliest", "fetch_max_wait_ms": 200}
_connection: dict[str, Any] = {}


def use_connection(options: Mapping[str, Any]) -> None:
    """How every Kafka client of this process reaches the cluster (TLS, SASL: the keyword
    arguments of `KafkaSettings.kafka_connection`): set once, as a process starts."""
    _connection.clear()
    _connection.update(options)


def connection() -> dict[str, Any]:
    """The keyword arguments every aiokafka client here is made with."""
    return dict(_connection)


def faststream_security(options: Mapping[str, Any]) -> BaseSecurity | None:
    """The same connection as FastStream's broker takes it (its `security=`)."""
    protocol = options.get("security_protocol", "PLAINTEXT")
    context = options.get("ssl_context")
    use_ssl = protocol in ("SSL", "SASL_SSL")
    mechanism = options.get("sasl_mechanism")
    if mechanism is None:
        return BaseSecurity(ssl_context=context, use_ssl=use_ssl) if use_ssl else None
    if mechanism == "OAUTHBEARER":
        return SASLOAuthBearer(ssl_context=context, use_ssl=use_ssl)
    kind = {"PLAIN": SASLPlaintext, "SCRAM-SHA-256": SASLScram256, "SCRAM-SHA-512": SASLScram512}
    return kind[mechanism](
        username=options["sasl_plain_username"],
        password=options["sasl_plain_password"],
        ssl_context=context,
        use_ssl=use_ssl,
    )


MAX_BATCH_BYTES = 512 * 1024
"""A produced batch stays under this, well below a Kafka broker's default message limit."""


@functools.lru_cache(maxsize=65_536)
def partition_for(key: bytes, partitions: int) -> int:
    """The partition Kafka's default partitioner gives a keyed record (the Java client's
    murmur2, as aiokafka's own), remembered per key: the hash is pure Python, and the same
    participants' events are published again and again."""
    hashed: int = murmur2(key)
    return (hashed & 0x7FFFFFFF) % partitions


async def stop_client(
    client: AIOKafkaConsumer | AIOKafkaProducer | AIOKafkaAdminClient | BatchProducer,
) -> None:
    """Stops a client without losing a cancellation of the caller.

    aiokafka's clients, closing, await their own cancelled background tasks with
    CancelledError suppressed: a cancellation of the calling task that arrives meanwhile is
    suppressed with it (aio-libs/aiokafka#983, #1000), and a cancelled task that closes a
    client on its way (the relay, when its process stops leading) would run on. The
    cancellation is raised again here."""
    task = asyncio.current_task()
    requested = task.cancelling() if task is not None else 0
    if isinstance(client, AIOKafkaAdminClient):
        await client.close()
    else:
        await client.stop()
    if task is not None and task.cancelling() > requested:
        raise asyncio.CancelledError


class BatchProducer:
    """Publishes records to one topic a partition's batch at a time, keyed as Kafka's default
    partitioner would: publishing record by record (faststream's `publish`, aiokafka's
    `send`) cost two to three times the CPU a record at the relays' batch sizes
    (docs/benchmarks.md, "Measurements behind the code")."""

    def __init__(self, bootstrap_servers: str, topic: str) -> None:
        self.topic = topic
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap_servers,
            max_batch_size=MAX_BATCH_BYTES,
            **PRODUCER_OPTIONS,
            **connection(),
        )

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        await stop_client(self._producer)

    async def publish(
        self, records: Sequence[KafkaRecord], topic: str | None = None
    ) -> dict[int, tuple[int, KafkaRecord]]:
        """Per partition, the offset of its first record and its last record, once the broker
        acknowledged them all. Each partition's records keep their order: its batches go out
        one after another (aiokafka has one request in flight per broker). To the producer's
        topic unless another is named."""
        topic = topic or self.topic
        partitions = len(await self._producer.partitions_for(topic))
        by_partition: dict[int, list[KafkaRecord]] = {}
        for record in records:
            by_partition.setdefault(partition_for(record.key, partitions), []).append(record)
        sent = []
        for partition, in_order in by_partition.items():
            batch = self._producer.create_batch()
            for record in in_order:
                if not _append(batch, record):  # full: send it, and go on in a new one
                    sent.append(await self._send(batch, topic, partition))
                    batch = self._producer.create_batch()
                    _append(batch, record)  # the first record always fits
            sent.append(await self._send(batch, topic, partition))
        acknowledged = await asyncio.gather(*sent)
        first_offsets: dict[int, int] = {}
        for metadata in acknowledged:
            first_offsets.setdefault(metadata.partition, metadata.offset)
        return {p: (first_offsets[p], in_order[-1]) for p, in_order in by_partition.items()}

    async def _send(
        self, batch: BatchBuilder, topic: str, partition: int
    ) -> asyncio.Future[RecordMetadata]:
        sent: asyncio.Future[RecordMetadata] = await self._producer.send_batch(
            batch, topic, partition=partition
        )
        return sent


def _append(batch: BatchBuilder, record: KafkaRecord) -> bool:
    headers = [(name, value.encode()) for name, value in record.headers.items()]
    metadata = batch.append(key=record.key, value=record.value, timestamp=None, headers=headers)
    return metadata is not None


async def ensure_topics(bootstrap_servers: str, topics: list[str], partitions: int) -> None:
    """Create the topics that do not exist yet (idempotent; safe to call at every start)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, **connection())
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [topic for topic in topics if topic not in existing]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(
                    [
                        NewTopic(topic, num_partitions=partitions, replication_factor=1)
                        for topic in missing
                    ]
                )
            log.info("topics created", topics=missing, partitions=partitions)
    finally:
        await stop_client(admin)


async def group_members(bootstrap_servers: str, group: str) -> int:
    """How many consumers are in the group now (a process killed a moment ago counts until
    its session times out)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, **connection())
    await admin.start()
    try:
        (described,) = await admin.describe_consumer_groups([group])
        return sum(len(found[5]) for found in described.groups)  # (error, id, state, ..., members)
    finally:
        await stop_client(admin)


class TopicKeeper:
    """The topics a service works with, each with its partition count: made before the
    service starts, made again within `interval` seconds whenever the broker lost them (the
    embedded one keeps nothing across a restart), and on the spot before a record goes to
    one that may be gone. Clients never make topics themselves (see `internals`)."""

    def __init__(self, bootstrap_servers: str, topics: Mapping[str, int]) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.topics = dict(topics)

    async def ensure(self, names: Collection[str] | None = None) -> None:
        by_count: dict[int, list[str]] = {}
        for name in names if names is not None else self.topics:
            by_count.setdefault(self.topics[name], []).append(name)
        for partitions, topics in by_count.items():
            await ensure_topics(self.bootstrap_servers, topics, partitions)

    async def keep(self, interval: float = 3.0) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await self.ensure()
            except Exception as error:  # the broker is away: the next round tries again
                log.debug("topics not checked", error=repr(error))


async def records_from_beginning(
    bootstrap_servers: str, topics: Sequence[str], numbers: Collection[int] | None = None
) -> AsyncIterator[list[ConsumerRecord]]:
    """Every record of `topics` (of partitions numbered `numbers`, or all), from the start
    to where they ended when reading began, in batches, without joining a group. Records
    appended meanwhile may come along. (Tansu's end offset can point inside a partition's
    last batch, so batches are not cut at it: that would drop the batch's tail.)"""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        **connection(),
        enable_auto_commit=False,
        fetch_max_bytes=64 * 1024 * 1024,
        max_partition_fetch_bytes=16 * 1024 * 1024,
    )
    await consumer.start()
    try:
        await consumer.topics()
        partitions = [
            TopicPartition(topic, p)
            for topic in topics
            for p in consumer.partitions_for_topic(topic) or ()
            if numbers is None or p in numbers
        ]
        if not partitions:
            return
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        remaining = {tp for tp in partitions if ends[tp] > 0}
        while remaining:
            fetched = await consumer.getmany(*remaining, timeout_ms=500, max_records=20000)
            for batch in fetched.values():
                yield batch
            for tp in list(remaining):
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
    finally:
        await stop_client(consumer)
