"""The outbox relay: publishes a service's notification log to its Kafka topic.

Commands only append to the event store (no dual writes); this relay then publishes every
event that has a public contract, in notification order, at least once. How far it got is
recorded in the topic itself: at start it reads the `sequence` of the last record in each
partition, so a crash between publishing and bookkeeping never republishes, and a broker
that lost its data (the embedded one keeps nothing across a restart) is refilled from the
store. While running it checks the partition tails before each batch (and now and then when
idle), and after a loss it publishes everything again from the start, in order.
"""

from __future__ import annotations

import asyncio
import json
import time
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from typing import cast
from uuid import NAMESPACE_URL, UUID, uuid5

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from eventsourcing.persistence import Notification

from steiger.shared import cloudevents
from steiger.shared.eventstore import ServiceApplication, TracingMapper
from steiger.shared.kafka import BatchProducer, connection, ensure_topics, stop_client

log = structlog.get_logger(__name__)

_EVENT_IDS = uuid5(NAMESPACE_URL, "urn:steiger:event-id")


def durable_event_id(source: str, originator_id: UUID, originator_version: int) -> str:
    """The same stored event always gets the same CloudEvents id, however often it is sent."""
    return str(uuid5(_EVENT_IDS, f"{source}/{originator_id}/{originator_version}"))


class BrokerLostData(Exception):
    pass


class StoreBehindTopic(Exception):
    """The topic holds sequences the store never issued: an incident for an operator."""


@dataclass(frozen=True)
class Unpublished:
    """A stored event the relay could not publish: parked with its reason, never in the way
    of the events after it. Names nothing but ids (no personal data, no case text)."""

    notification_id: int
    originator_id: UUID
    originator_version: int
    event: str
    reason: str


@dataclass
class _Batch:
    records: list[cloudevents.KafkaRecord]
    last_notification_id: int
    unpublished: list[Unpublished] = field(default_factory=list)


def read_outbox(
    application: ServiceApplication, source: str, signing_key: bytes, after: int, limit: int
) -> _Batch | None:
    """The public records of up to `limit` notifications after `after`, exactly as the relay
    publishes them (the history endpoint serves the same records for rebuilds). An event
    that cannot be read or mapped to its contract is left out and listed as unpublished."""
    notifications = application.recorder.select_notifications(start=after + 1, limit=limit)
    if not notifications:
        return None
    batch = _Batch([], notifications[-1].id)
    for notification in notifications:
        try:
            record = record_of(application, notification, source, signing_key)
        except Exception as error:
            batch.unpublished.append(
                Unpublished(
                    notification.id,
                    cast(UUID, notification.originator_id),
                    notification.originator_version,
                    notification.topic.rpartition(":")[2],
                    f"{type(error).__name__}: {error}",
                )
            )
            continue
        if record is not None:
            batch.records.append(record)
    return batch


def record_of(
    application: ServiceApplication, notification: Notification, source: str, signing_key: bytes
) -> cloudevents.KafkaRecord | None:
    """The stored event as its signed CloudEvent record, None for one that stays inside."""
    mapper = application.mapper
    assert isinstance(mapper, TracingMapper)
    domain_event, traceparent = mapper.decode(notification)
    contract = application.contract_of(domain_event)
    if contract is None:
        return None
    return cloudevents.encode(
        contract,
        event_id=durable_event_id(
            source, cast(UUID, notification.originator_id), notification.originator_version
        ),
        source=source,
        time=domain_event.timestamp,
        sequence=notification.id,
        traceparent=traceparent,
        signing_key=signing_key,
    )


class OutboxRelay:
    def __init__(
        self,
        application: ServiceApplication,
        *,
        topic: str,
        dead_letter_topic: str,
        source: str,
        signing_key: bytes,
        bootstrap_servers: str,
        partitions: int,
        batch_size: int = 500,
        poll_interval: float = 0.5,
        loss_check_interval: float = 2.0,
        batch_interval: float = 0.05,
    ) -> None:
        self.application = application
        self.topic = topic
        self.dead_letter_topic = dead_letter_topic
        self.source = source
        self.signing_key = signing_key
        self.bootstrap_servers = bootstrap_servers
        self.partitions = partitions
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.loss_check_interval = loss_check_interval
        self.batch_interval = batch_interval
        self.position = 0
        self.batches = 0
        """Batches published since it started."""
        self.ready = False
        self.resumes = 0
        """How often the relay re-read its position from the topic (start, errors, loss)."""
        self.incident: str | None = None
        """Why the relay does not publish, when it is something an operator must resolve."""
        self.incident_retry_seconds = 10.0
        self._foreign: set[tuple[int, int]] = set()
        self.parked = 0
        """Stored events it could not publish since it started (each an alarm in the log)."""
        self.last_parked: Unpublished | None = None
        self._lost = False
        self._ends: dict[TopicPartition, int] = {}
        """Per partition, how far it is known to reach: a broker reporting less lost data."""
        self._published: dict[int, int] = {}
        """Per partition, the sequence of the last record acknowledged by the broker."""
        self._wakeup = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._inspector: AIOKafkaConsumer | None = None
        self._producer: BatchProducer | None = None
        application.on_recorded(lambda _written: self.wake())

    def wake(self) -> None:
        """Thread-safe: called after every write to the store."""
        loop = self._loop
        if loop is not None:
            with suppress(RuntimeError):  # the loop closed meanwhile: nobody to wake
                loop.call_soon_threadsafe(self._wakeup.set)

    async def run(self) -> None:
        """Publishes until cancelled (when this process stops leading, see
        `steiger.shared.leadership`); it can run again later, and resumes from the topic."""
        self._loop = asyncio.get_running_loop()
        try:
            while True:
                try:
                    await self._resume()
                    await self._publish_forever()
                except StoreBehindTopic as incident:
                    self.ready = False
                    self.incident = str(incident)
                    log.error("relay stopped: store behind its topic", reason=self.incident)
                    await asyncio.sleep(self.incident_retry_seconds)
                except BrokerLostData:
                    log.warning(
                        "broker lost published events; republishing from the store",
                        topic=self.topic,
                    )
                    self._lost = True
                except Exception:
                    self.ready = False
                    log.exception("relay interrupted; retrying", topic=self.topic)
                    await asyncio.sleep(1.0)
        finally:
            self.ready = False
            self._loop = None
            inspector, producer = self._inspector, self._producer
            self._inspector = self._producer = None
            if inspector is not None:
                await stop_client(inspector)
            if producer is not None:
                await stop_client(producer)

    async def _resume(self) -> None:
        self.ready = False
        await ensure_topics(
            self.bootstrap_servers, [self.topic, self.dead_letter_topic], self.partitions
        )
        # Each client is kept once it started: one that failed to start is no use next time.
        if self._inspector is None:
            inspector = AIOKafkaConsumer(
                bootstrap_servers=self.bootstrap_servers,
                **connection(),
                enable_auto_commit=False,
                fetch_max_wait_ms=25,
            )
            await _start(inspector)
            self._inspector = inspector
        if self._producer is None:
            producer = BatchProducer(self.bootstrap_servers, self.topic)
            await _start(producer)
            self._producer = producer
        tails = await self._tail_sequences()
        stored = self.application.recorder.max_notification_id() or 0
        if max(tails.values(), default=0) > stored:
            raise StoreBehindTopic(
                f"{self.topic} holds sequence {max(tails.values())}, past the store's last "
                f"notification {stored}: the store was restored from an older backup or lost "
                "its data. Publishing now would reuse sequences consumers already have, so "
                "the relay waits: restore the newest backup of the store, then restart"
            )
        lost = self._lost or any(tails.get(p, 0) < last for p, last in self._published.items())
        # After a loss, everything again from the start, in order: consumers skip what they
        # had, and process what the lost broker never delivered to them.
        self.position = 0 if lost else max(tails.values(), default=0)
        self._published = {} if lost else tails
        self._ends = {}
        self._lost = False
        self.resumes += 1
        self.incident = None
        self.ready = True
        log.info("relay resumed", topic=self.topic, position=self.position)

    async def _tail_sequences(self) -> dict[int, int]:
        """The highest `sequence` at the end of each partition that holds records.

        It reads from one before the reported end. Tansu reports the end as one past the
        first offset of the last record batch (as observed), so it reads that whole batch; a
        Kafka broker reports one past the last record. Either way the tail is in the read.
        """
        inspector = self._inspector
        assert inspector is not None
        await inspector.topics()  # refresh metadata
        partitions = [
            TopicPartition(self.topic, p) for p in inspector.partitions_for_topic(self.topic) or ()
        ]
        inspector.assign(partitions)
        ends = await inspector.end_offsets(partitions)
        pending = {tp for tp, end in ends.items() if end > 0}
        for tp in pending:
            inspector.seek(tp, ends[tp] - 1)
        tails: dict[int, int] = {}
        foreign_only: set[TopicPartition] = set()
        deadline = time.monotonic() + 15
        while pending:
            if time.monotonic() > deadline:
                raise TimeoutError(f"could not read the tail of {self.topic}")
            fetched = await inspector.getmany(*pending, timeout_ms=500)
            for tp, records in fetched.items():
                ours = [s for s in map(self._sequence_if_ours, records) if s is not None]
                if ours:
                    tails[tp.partition] = max(ours)
                elif records:
                    foreign_only.add(tp)
                pending.discard(tp)
        for tp in foreign_only:  # rare: the last batch holds only records not ours
            tails[tp.partition] = await self._last_of_ours(tp, ends[tp], deadline)
        # Read: an assigned partition would be long-polled from now on (at an idle relay,
        # fetches every 25 ms, for nothing); the next read assigns them afresh.
        inspector.pause(*partitions)
        return tails

    def _sequence_if_ours(self, record: ConsumerRecord) -> int | None:
        """A record's sequence if this relay published it: signed with the system's key and
        from this service. Anything else in the topic (forged, misrouted) says nothing about
        how far the relay got, and is reported once."""
        try:
            cloudevents.verify(self.signing_key, record.key, record.value, record.headers)
        except cloudevents.ForgedRecord as forged:
            reason = str(forged)
        else:
            headers = dict(record.headers)
            if headers.get("ce_source") == self.source.encode():
                return int(headers["ce_sequence"])
            reason = "signed, but from another source"
        if (record.partition, record.offset) not in self._foreign:
            self._foreign.add((record.partition, record.offset))
            log.error(
                "a record in the relay's topic is not ours; ignored",
                topic=self.topic,
                partition=record.partition,
                offset=record.offset,
                reason=reason,
            )
        return None

    async def _last_of_ours(self, tp: TopicPartition, end: int, deadline: float) -> int:
        """The highest sequence of ours in a partition, read from its start."""
        assert self._inspector is not None
        self._inspector.seek(tp, 0)
        highest = 0
        while await self._inspector.position(tp) < end:
            if time.monotonic() > deadline:
                raise TimeoutError(f"could not read {tp.topic} partition {tp.partition}")
            for records in (await self._inspector.getmany(tp, timeout_ms=500)).values():
                ours = [s for s in map(self._sequence_if_ours, records) if s is not None]
                highest = max([highest, *ours])
        return highest

    async def _publish_forever(self) -> None:
        last_check = time.monotonic()
        while True:
            self._wakeup.clear()  # a write from here on sets it again
            # on the event loop, as the service's commands and consumer: a thread hand-over
            # per batch cost more than reading it (see IdempotentConsumer)
            batch = self._read_batch(self.position)
            if batch is not None:
                started = time.monotonic()
                # Never publish into a broker that lost what came before: a consumer must
                # see a partition's events in order to skip the ones it already has. One
                # ListOffsets round trip: a restarted broker's partitions end lower.
                await self._check_ends()
                await self._publish(batch)
                if self._wakeup.is_set():
                    # Writes keep coming (an import, a busy hour): let them gather into the
                    # next batch, for a batch costs a read, a ListOffsets and a produce
                    # round trip whatever its size. After a quiet spell the first write
                    # goes out at once.
                    await asyncio.sleep(self.batch_interval - (time.monotonic() - started))
                continue
            try:
                await asyncio.wait_for(self._wakeup.wait(), timeout=self.poll_interval)
            except TimeoutError:
                if time.monotonic() - last_check > self.loss_check_interval:
                    await self._check_for_loss()  # idle: a restart would go unnoticed
                    last_check = time.monotonic()

    async def _publish(self, batch: _Batch) -> None:
        assert self._producer is not None
        if batch.unpublished:
            await self._park(batch.unpublished)
        acknowledged = await self._producer.publish(batch.records)
        for partition, (first_offset, last) in acknowledged.items():
            self._published[partition] = int(last.headers["ce_sequence"])
            # The partition now ends past this batch's first record at least (Tansu's end
            # offsets may stop at the start of the last batch, never before it): a broker that
            # comes back empty is noticed before the next batch, even after a single one.
            tp = TopicPartition(self.topic, partition)
            self._ends[tp] = max(self._ends.get(tp, 0), first_offset + 1)
        self.position = batch.last_notification_id
        self.batches += 1

    @property
    def fetching(self) -> bool:
        """Whether it is reading partitions of its topic now (it reads their tails at start
        and in loss checks; a partition left assigned would be long-polled for nothing)."""
        inspector = self._inspector
        return inspector is not None and bool(inspector.assignment() - inspector.paused())

    async def _park(self, unpublished: list[Unpublished]) -> None:
        """On the service's dead-letter topic, with the reason: an alarm for an operator (see
        `steiger dead-letters`), while the events after it go out."""
        assert self._producer is not None
        records = [
            cloudevents.KafkaRecord(
                key=str(u.originator_id).encode(),
                value=json.dumps(asdict(u), default=str).encode(),
                headers={
                    "content-type": "application/json",
                    "dead-letter-reason": u.reason[:2000],
                    "dead-letter-stage": "relay",
                    "dead-letter-topic": self.topic,
                    "dead-letter-notification-id": str(u.notification_id),
                },
            )
            for u in unpublished
        ]
        await self._producer.publish(records, topic=self.dead_letter_topic)
        for u in unpublished:
            log.error(
                "stored event cannot be published; parked on the dead-letter topic",
                topic=self.topic,
                notification_id=u.notification_id,
                originator_id=str(u.originator_id),
                stored_event=u.event,
                reason=u.reason,
            )
        self.parked += len(unpublished)
        self.last_parked = unpublished[-1]

    async def publish_late(self, notification_id: int) -> bool:
        """A stored event this relay parked, published now that it maps to its contract,
        marked late (consumers process it on its own). False for an event with no contract;
        raises `Unpublishable` while it still does not map, LookupError for no such event."""
        found = self.application.recorder.select_notifications(start=notification_id, limit=1)
        if not found or found[0].id != notification_id:
            raise LookupError(f"no stored event {notification_id}")
        record = record_of(self.application, found[0], self.source, self.signing_key)
        if record is None:
            return False
        if self._producer is None:
            raise RuntimeError("the relay has not started yet")
        await self._producer.publish([cloudevents.made_late(record, self.signing_key)])
        log.warning("parked stored event published late", notification_id=notification_id)
        return True

    def _read_batch(self, after: int) -> _Batch | None:
        return read_outbox(self.application, self.source, self.signing_key, after, self.batch_size)

    async def _check_ends(self) -> None:
        """End offsets never go down unless the broker lost records (Tansu's trail the log
        by a batch, but they too only grow)."""
        assert self._inspector is not None
        ends = await self._inspector.end_offsets(list(self._ends) or self._partitions())
        if any(ends.get(tp, 0) < end for tp, end in self._ends.items()):
            raise BrokerLostData(self.topic)
        self._ends = dict(ends)

    def _partitions(self) -> list[TopicPartition]:
        assert self._inspector is not None
        known = self._inspector.partitions_for_topic(self.topic) or ()
        return [TopicPartition(self.topic, p) for p in known]

    async def _check_for_loss(self) -> None:
        """Every partition must still end with the last record this relay had acknowledged
        there. Offsets alone cannot tell: Tansu's end offsets trail the log by a batch."""
        tails = await self._tail_sequences()
        if any(tails.get(partition, 0) < last for partition, last in self._published.items()):
            raise BrokerLostData(self.topic)


async def _start(client: AIOKafkaConsumer | BatchProducer) -> None:
    """Starts a client, or closes it if it could not start (its connections go with it)."""
    try:
        await client.start()
    except BaseException:
        await stop_client(client)
        raise
