"""The idempotent consumer, written once for every service.

Each incoming CloudEvent is processed by the application's policy and its effect is recorded
atomically with a tracking record (topic#partition, source sequence), so a redelivered or
republished event changes nothing. Sequences come from the producer's store, not from Kafka
offsets, so this holds even when the broker lost its data and the relay refilled it.
A record that cannot be processed is parked on the consumer's dead-letter topic with the
reason, and consumption continues. An unavailable store is not the message's fault: the
record is not acknowledged and is delivered again.

Records come from the broker in batches; the records of one partition in a batch are
recorded in one transaction (one commit, the tracking of the last), which is what lets a
consumer keep up with a busy producer. If that transaction fails, the batch's records are
processed one at a time, so only the event at fault is retried and parked.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer
from aiokafka.errors import KafkaError
from aiokafka.structs import ConsumerRecord, TopicPartition
from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError, Tracking
from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaRouter
from faststream.kafka.message import KafkaMessage

from steiger.shared import cloudevents, tracing
from steiger.shared.eventstore import Hosted
from steiger.shared.kafka import CONSUMER_OPTIONS, TopicKeeper
from steiger.shared.occurrence import occurring
from steiger.shared.topics import dead_letter_topic, events_topic
from steiger.shared.tracing import current_traceparent, trace_id

log = structlog.get_logger(__name__)

STORE_UNAVAILABLE = (OperationalError, InterfaceError)
BATCH_ATTEMPTS = 3
"""Tries of a batch that met a concurrent write before it goes one event at a time."""
BATCH_SIZE = 200
"""At most this many records are taken from the broker at once; those of one partition are
recorded in one transaction. When fewer are waiting, fewer are taken: a quiet system still
answers each event straight away."""


class IdempotentConsumer:
    def __init__(
        self,
        application: Hosted,
        broker: KafkaBroker,
        *,
        consumer_name: str,
        signing_key: bytes,
        sources: Mapping[str, str],
        topics: TopicKeeper | None = None,
        attempts: int = 3,
        backoff_seconds: float = 0.2,
    ) -> None:
        self.application = application
        self.broker = broker
        self.consumer_name = consumer_name
        self.signing_key = signing_key
        self.sources = dict(sources)
        """Per topic, the CloudEvents source of the one producer that owns it."""
        self.topics = topics
        """Makes the dead-letter topic again before a record is parked, should the broker
        have lost it (None: the topic is left to whoever made it)."""
        self.parked = 0
        """Records parked since the service started (each an error in the log)."""
        self.batches_split = 0
        """Batches that could not be recorded together and went one event at a time."""
        self.last_parked: dict[str, Any] | None = None
        self.dead_letter_topic = dead_letter_topic(consumer_name)
        self.attempts = attempts
        self.backoff_seconds = backoff_seconds
        # Records are processed on the event loop, between HTTP requests, never behind the
        # thread pool those fill. A hand-over to a worker thread of our own (a queue, a
        # condition variable, the GIL going back and forth) cost more than the work
        # (docs/benchmarks.md, "Measurements behind the code"). The loop waits for a batch's
        # commit, as it does for an HTTP command's. Which call runs where: `concurrency`.

    async def handle(self, records: Sequence[ConsumerRecord]) -> None:
        """Records as the broker handed them over (several partitions, each in order)."""
        by_partition: dict[str, list[tuple[ConsumerRecord, cloudevents.Envelope]]] = {}
        for record in records:
            try:
                envelope = self._envelope(record)
            except cloudevents.PoisonMessage as poison:
                await self._park(record, str(poison))
                continue
            if self.application.reacts_to(type(envelope.event)):
                partition = f"{record.topic}#{record.partition}"
                by_partition.setdefault(partition, []).append((record, envelope))
        for partition, arrived in by_partition.items():
            together = len(arrived) > 1 and not any(e.late for _, e in arrived)
            if together and await self._handle_together(partition, arrived):
                continue
            for record, envelope in arrived:  # one by one, each with retries and parking
                await self._handle_one(record, envelope)

    async def retry(self, parked: ConsumerRecord) -> bool:
        """A record from the dead-letter topic, processed once more now that its cause is
        fixed, as a late event: tracked on its own, so a second retry changes nothing. True
        when it was processed now, False when it had been already; raises if it fails again
        (it stays parked)."""
        headers = dict(parked.headers)
        try:
            topic = headers["dead-letter-topic"].decode()
            partition = int(headers["dead-letter-partition"])
        except (KeyError, ValueError) as error:
            raise cloudevents.PoisonMessage(
                f"not a record this consumer parked: {error}"
            ) from error
        original = dataclasses.replace(parked, topic=topic, partition=partition)
        envelope = self._envelope(original)
        if not self.application.reacts_to(type(envelope.event)):
            return False
        tracking = own_tracking("retry", topic, partition, envelope.sequence)
        return self._process(envelope.event, tracking)

    def _envelope(self, record: ConsumerRecord) -> cloudevents.Envelope:
        """The record's CloudEvent, if the producer that owns the topic signed it. Anything
        else is parked before it is processed or tracked: a forged record with a high
        sequence must not make the partition's real events look like duplicates."""
        envelope = cloudevents.decode(record.key, record.value, record.headers, self.signing_key)
        owner = self.sources.get(record.topic)
        if envelope.source != owner:
            raise cloudevents.ForgedRecord(
                f"source {envelope.source!r} does not own {record.topic} ({owner!r} does)"
            )
        if events_topic(envelope.event.producer) != record.topic:
            raise cloudevents.ForgedRecord(f"a {envelope.type} does not belong in {record.topic}")
        return envelope

    async def _handle_together(
        self, partition: str, arrived: list[tuple[ConsumerRecord, cloudevents.Envelope]]
    ) -> bool:
        """The partition's records in one store transaction. False when that failed (nothing
        was recorded): the caller goes one by one, which finds the event at fault.

        A conflict is no fault of an event: the service wrote one of the batch's aggregates
        meanwhile (the notifications dispatcher does, on its own threads). The conflict brought
        the cached aggregates up to the store, so the batch runs again as a batch."""
        spans = [self._span(envelope, record) for record, envelope in arrived]
        traced = [
            (envelope, span.traceparent) for (_, envelope), span in zip(arrived, spans, strict=True)
        ]
        for attempt in range(1, BATCH_ATTEMPTS + 1):
            try:
                fresh = self._process_together(partition, traced)
                break
            except STORE_UNAVAILABLE:
                log.exception("store unavailable; the records will be delivered again")
                for span in spans:
                    span.end(failed="store unavailable")
                await asyncio.sleep(1.0)
                raise
            except Exception as error:
                if isinstance(error, IntegrityError) and attempt < BATCH_ATTEMPTS:
                    continue
                log.info("batch not recorded; one event at a time", reason=repr(error))
                self.batches_split += 1
                for span in spans:  # each is processed again, in a span of its own
                    span.end(failed="batch not recorded")
                return False
        for span, (envelope, _) in zip(spans, traced, strict=True):
            span.end(attributes={"steiger.duplicate": envelope.sequence not in fresh})
        now = dt.datetime.now(dt.UTC)
        for envelope, traceparent in traced:
            log.info(
                "event processed" if envelope.sequence in fresh else "duplicate event ignored",
                correlation_id=trace_id(traceparent),
                event_type=envelope.type,
                event_id=envelope.id,
                lag_ms=_lag_ms(envelope, now),
            )
        return True

    def _process_together(
        self, partition: str, traced: list[tuple[cloudevents.Envelope, str]]
    ) -> set[int]:
        """The sequences processed now; the others were processed before."""
        done = self.application.recorder.max_tracking_id(partition) or 0
        events, fresh = [], set()
        for envelope, traceparent in traced:
            if envelope.sequence > done:  # a partition's sequences only grow
                events.append((envelope.event, traceparent))
                fresh.add(envelope.sequence)
                done = envelope.sequence
        if events:
            with occurring((e.event, e.time) for e, _ in traced):
                self.application.process_batch(events, Tracking(partition, done))
        return fresh

    async def _handle_one(self, record: ConsumerRecord, envelope: cloudevents.Envelope) -> None:
        if envelope.late:
            tracking = own_tracking("late", record.topic, record.partition, envelope.sequence)
        else:
            tracking = Tracking(f"{record.topic}#{record.partition}", envelope.sequence)
        span = self._span(envelope, record)
        traceparent = span.traceparent
        token = current_traceparent.set(traceparent)
        failed = None
        try:
            with structlog.contextvars.bound_contextvars(
                correlation_id=trace_id(traceparent), event_type=envelope.type, event_id=envelope.id
            ):
                await self._process_with_retries(record, envelope, tracking)
        except BaseException as error:
            failed = type(error).__name__
            raise
        finally:
            current_traceparent.reset(token)
            span.end(failed=failed)

    def _span(self, envelope: cloudevents.Envelope, record: ConsumerRecord) -> tracing.Span:
        """The event's processing, in the trace its producer's request started."""
        return tracing.begin(
            f"process {envelope.type}",
            envelope.traceparent,
            "consumer",
            **{
                "messaging.system": "kafka",
                "messaging.operation.type": "process",
                "messaging.destination.name": record.topic,
                "messaging.destination.partition.id": str(record.partition),
                "messaging.message.id": envelope.id,
                "messaging.consumer.group.name": f"steiger-{self.consumer_name}",
            },
        )

    async def _process_with_retries(
        self, record: ConsumerRecord, envelope: cloudevents.Envelope, tracking: Tracking
    ) -> None:
        event = envelope.event
        for attempt in range(1, self.attempts + 1):
            try:
                with occurring([(event, envelope.time)]):
                    processed = self._process(event, tracking)
            except STORE_UNAVAILABLE:
                log.exception("store unavailable; the record will be delivered again")
                await asyncio.sleep(1.0)
                raise
            except Exception as error:
                if attempt < self.attempts:
                    await asyncio.sleep(self.backoff_seconds * attempt)
                    continue
                await self._park(record, f"{type(error).__name__}: {error}")
                self._skip(tracking)
                return
            log.info(
                "event processed" if processed else "duplicate event ignored",
                lag_ms=_lag_ms(envelope, dt.datetime.now(dt.UTC)),
            )
            return

    def _process(self, event: Any, tracking: Tracking) -> bool:
        recorder = self.application.recorder
        if recorder.has_tracking_id(tracking.application_name, tracking.notification_id):
            return False
        try:
            self.application.process_event(event, tracking)
        except IntegrityError:
            if recorder.has_tracking_id(tracking.application_name, tracking.notification_id):
                return False
            raise
        return True

    def _skip(self, tracking: Tracking) -> None:
        """Remember a parked event so that a redelivery does not park it twice."""
        with contextlib.suppress(IntegrityError):
            self.application.recorder.insert_tracking(tracking)

    async def _park(self, record: ConsumerRecord, reason: str) -> None:
        headers = {name: raw.decode(errors="replace") for name, raw in record.headers}
        headers.update(
            {
                "dead-letter-reason": reason[:2000],
                "dead-letter-consumer": self.consumer_name,
                "dead-letter-topic": record.topic,
                "dead-letter-partition": str(record.partition),
                "dead-letter-offset": str(record.offset),
            }
        )
        if self.topics is not None:
            await self.topics.ensure([self.dead_letter_topic])
        await self.broker.publish(
            record.value, topic=self.dead_letter_topic, key=record.key, headers=headers
        )
        self.parked += 1
        self.last_parked = {
            "topic": record.topic,
            "partition": record.partition,
            "offset": record.offset,
            "reason": reason[:500],
        }
        log.error(
            "record parked on the dead-letter topic",
            reason=reason,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
        )


def own_tracking(kind: str, topic: str, partition: int, sequence: int) -> Tracking:
    """The tracking record of one event processed out of its partition's order (a late one,
    or a parked one retried): the partition's tracking holds only the highest sequence, which
    such an event is below. Late and retried are kept apart: a late event that was parked
    (and so counted as done in its own) can still be retried."""
    return Tracking(f"{kind}:{topic}#{partition}#{sequence}", 1)


def _lag_ms(envelope: cloudevents.Envelope, now: dt.datetime) -> int:
    """How long after it was recorded at its source the event took effect here: the first
    thing to look at when a view is behind."""
    return round((now - envelope.time).total_seconds() * 1000)


class OffsetCommitter:
    """Commits consumed offsets to Kafka a little after the fact, not once per record.

    Records of a partition are processed one after another, so once record n is processed all
    before it are too, and committing n + 1 is safe. Committing at most every `interval`
    seconds saves a broker round trip per record; after a crash the uncommitted tail is
    delivered again, and the tracking records make that harmless. The same holds for the tail
    not yet committed when the service stops.
    """

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.pending: dict[TopicPartition, int] = {}
        self._consumer: AIOKafkaConsumer | None = None
        self._flushing: asyncio.Task[None] | None = None

    def processed(self, consumer: AIOKafkaConsumer, record: ConsumerRecord) -> None:
        self._consumer = consumer
        self.pending[TopicPartition(record.topic, record.partition)] = record.offset + 1
        if self._flushing is None:
            self._flushing = asyncio.get_running_loop().create_task(self._flush_later())

    async def _flush_later(self) -> None:
        # Records processed while a commit is on its way are committed in the next round,
        # not left waiting for a record that may never come.
        try:
            while self.pending:
                await asyncio.sleep(self.interval)
                await self.flush()
        finally:
            self._flushing = None

    async def flush(self) -> None:
        offsets, self.pending = self.pending, {}
        if not offsets or self._consumer is None:
            return
        try:
            await self._consumer.commit(offsets)
        except KafkaError as error:
            # e.g. the partitions moved to another member in a rebalance: it starts from the
            # last commit and skips what was already processed here by its tracking records.
            log.warning("offset commit failed; records will be delivered again", error=str(error))


async def _as_received(message: KafkaMessage) -> KafkaMessage:
    """faststream's decoder for our subscriber: the message itself is the handler's argument.
    The handler reads the raw records and decodes each CloudEvent itself (the library need not
    parse every body as JSON first). And it asks for no injected `KafkaMessage`: faststream
    resolves one through a synchronous context lookup, which fast_depends runs on a worker
    thread, a thread hand-over for every batch."""
    return message


def subscriber_router(consumer: IdempotentConsumer, topics: list[str]) -> KafkaRouter:
    """A faststream router with one subscriber over `topics`, in the consumer's own group."""
    router = KafkaRouter()
    committer = OffsetCommitter()

    async def on_records(message: Any) -> None:  # a KafkaMessage, see _as_received
        records = message.raw_message
        try:
            await consumer.handle(records)
        except Exception:
            await message.nack()  # rewinds each partition to its first record of the batch
            raise
        for record in records:
            committer.processed(message.consumer, record)

    subscribe = router.subscriber(
        *topics,
        group_id=f"steiger-{consumer.consumer_name}",
        ack_policy=AckPolicy.MANUAL,
        title=f"{consumer.consumer_name}:integration-events",
        batch=True,
        max_records=BATCH_SIZE,
        batch_timeout_ms=10,
        decoder=_as_received,
        **CONSUMER_OPTIONS,
    )
    subscribe(on_records)
    return router
