"""The outbox relay: publishes a service's notification log to its Kafka topic.

Commands only append to the event store (no dual writes); this relay then publishes every
event that has a public contract, in notification order, at least once. How far it got is
recorded in the topic itself: at start it reads the `sequence` of the last record in each
partition, so a crash between publishing and bookkeeping never republishes, and a broker
that lost its data (the embedded one keeps nothing across a restart) is refilled from the
store. While running it watches the topic's end offsets for the same loss.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import anyio
import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition
from faststream.kafka import KafkaBroker

from steiger.shared import cloudevents
from steiger.shared.contracts import IntegrationEvent
from steiger.shared.eventstore import ServiceApplication, TracingMapper
from steiger.shared.kafka import ensure_topics

log = structlog.get_logger(__name__)

Translator = Callable[[Any], IntegrationEvent | None]
"""Maps an internal domain event to its public contract, or None if it stays inside."""

_EVENT_IDS = uuid5(NAMESPACE_URL, "urn:steiger:event-id")


def durable_event_id(source: str, originator_id: UUID, originator_version: int) -> str:
    """The same stored event always gets the same CloudEvents id, however often it is sent."""
    return str(uuid5(_EVENT_IDS, f"{source}/{originator_id}/{originator_version}"))


class BrokerLostData(Exception):
    pass


@dataclass
class _Batch:
    records: list[cloudevents.KafkaRecord]
    last_notification_id: int


class OutboxRelay:
    def __init__(
        self,
        application: ServiceApplication,
        broker: KafkaBroker,
        *,
        topic: str,
        source: str,
        translate: Translator,
        bootstrap_servers: str,
        partitions: int,
        batch_size: int = 500,
        poll_interval: float = 0.5,
        loss_check_interval: float = 2.0,
    ) -> None:
        self.application = application
        self.broker = broker
        self.topic = topic
        self.source = source
        self.translate = translate
        self.bootstrap_servers = bootstrap_servers
        self.partitions = partitions
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.loss_check_interval = loss_check_interval
        self.position = 0
        self.ready = False
        self._known_ends: dict[TopicPartition, int] = {}
        self._wakeup = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._inspector: AIOKafkaConsumer | None = None

    def wake(self) -> None:
        """Thread-safe: called after every write to the store."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wakeup.set)

    @property
    def lag(self) -> int:
        return (self.application.recorder.max_notification_id() or 0) - self.position

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.application.on_recorded(self.wake)
        try:
            while True:
                try:
                    await self._resume()
                    await self._publish_forever()
                except BrokerLostData:
                    log.warning(
                        "broker lost published events; republishing from the store",
                        topic=self.topic,
                    )
                except Exception:
                    self.ready = False
                    log.exception("relay interrupted; retrying", topic=self.topic)
                    await asyncio.sleep(1.0)
        finally:
            self.ready = False
            if self._inspector is not None:
                await self._inspector.stop()

    async def _resume(self) -> None:
        self.ready = False
        await ensure_topics(self.bootstrap_servers, [self.topic], self.partitions)
        if self._inspector is None:
            self._inspector = AIOKafkaConsumer(
                bootstrap_servers=self.bootstrap_servers, enable_auto_commit=False
            )
            await self._inspector.start()
        self.position = await self._position_in_topic()
        self.ready = True
        log.info("relay resumed", topic=self.topic, position=self.position)

    async def _position_in_topic(self) -> int:
        inspector = self._inspector
        assert inspector is not None
        await inspector.topics()  # refresh metadata
        partitions = [
            TopicPartition(self.topic, p) for p in inspector.partitions_for_topic(self.topic) or ()
        ]
        inspector.assign(partitions)
        ends = await inspector.end_offsets(partitions)
        self._known_ends = dict(ends)
        pending = {tp for tp, end in ends.items() if end > 0}
        for tp in pending:
            inspector.seek(tp, ends[tp] - 1)
        position = 0
        deadline = time.monotonic() + 15
        while pending:
            if time.monotonic() > deadline:
                raise TimeoutError(f"could not read the tail of {self.topic}")
            fetched = await inspector.getmany(*pending, timeout_ms=500)
            for tp, records in fetched.items():
                for record in records:
                    headers = dict(record.headers)
                    sequence = headers.get("ce_sequence")
                    if sequence is not None:
                        position = max(position, int(sequence))
                pending.discard(tp)
        return position

    async def _publish_forever(self) -> None:
        last_check = time.monotonic()
        while True:
            published_up_to = await self._publish_batch()
            if published_up_to:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=self.poll_interval)
            self._wakeup.clear()
            if time.monotonic() - last_check > self.loss_check_interval:
                await self._check_for_loss()
                last_check = time.monotonic()

    async def _publish_batch(self) -> int:
        batch = await anyio.to_thread.run_sync(self._read_batch, self.position)
        if batch is None:
            return 0
        futures = [
            await self.broker.publish(
                record.value,
                topic=self.topic,
                key=record.key,
                headers=record.headers,
                no_confirm=True,
            )
            for record in batch.records
        ]
        for metadata in await asyncio.gather(*futures):
            tp = metadata.topic_partition
            self._known_ends[tp] = max(self._known_ends.get(tp, 0), metadata.offset + 1)
        self.position = batch.last_notification_id
        return self.position

    def _read_batch(self, after: int) -> _Batch | None:
        notifications = self.application.recorder.select_notifications(
            start=after + 1, limit=self.batch_size
        )
        if not notifications:
            return None
        mapper = self.application.mapper
        assert isinstance(mapper, TracingMapper)
        records = []
        for notification in notifications:
            domain_event, traceparent = mapper.decode(notification)
            contract = self.translate(domain_event)
            if contract is None:
                continue
            records.append(
                cloudevents.encode(
                    contract,
                    event_id=durable_event_id(
                        self.source, notification.originator_id, notification.originator_version
                    ),
                    source=self.source,
                    time=domain_event.timestamp,
                    sequence=notification.id,
                    traceparent=traceparent,
                )
            )
        return _Batch(records, notifications[-1].id)

    async def _check_for_loss(self) -> None:
        assert self._inspector is not None
        ends = await self._inspector.end_offsets(list(self._known_ends))
        if any(ends[tp] < known for tp, known in self._known_ends.items()):
            raise BrokerLostData(self.topic)
