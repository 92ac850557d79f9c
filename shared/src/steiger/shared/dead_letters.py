"""What an operator sees of a service's parked records, and how they send one back.

A service's dead-letter topic holds what its consumer could not process (the original
record, with the reason and where it came from in `dead-letter-*` headers) and what its
relay could not publish (ids only). Once the cause is fixed (a deployment, a corrected
record elsewhere), a retry sends one back: a consumer's record goes through the consumer
again, a relay's stored event is published late. Either is tracked on its own, so a second
retry changes nothing. The same routes answer for every service (`steiger dead-letters`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from fastapi import APIRouter, Path
from pydantic import BaseModel

from steiger.shared import cloudevents
from steiger.shared.access import Role, admits
from steiger.shared.consumer import IdempotentConsumer, own_tracking
from steiger.shared.eventstore import Unpublishable
from steiger.shared.kafka import connection, records_from_beginning, stop_client
from steiger.shared.relay import OutboxRelay


class NotParked(LookupError):
    """No parked record there"""


class StillFailing(Exception):
    """The record still cannot be processed"""


class Parked(BaseModel):
    partition: int
    offset: int
    parked_at: dt.datetime
    stage: str
    """consumer: a record it could not process; relay: a stored event it could not publish"""
    reason: str
    topic: str
    """where the record came from, or where the stored event was to go"""
    event_type: str | None = None
    subject: str | None = None
    sequence: int | None = None
    """the source's notification id (a relay's stored event: its own)"""
    retried: bool | None = None
    """a consumer's record: whether a retry processed it (None: not known here)"""


class ParkedRecord(Parked):
    headers: dict[str, str]
    value: Any


class RetryOutcome(BaseModel):
    outcome: str


class DeadLetters:
    def __init__(
        self,
        bootstrap_servers: str,
        topic: str,
        group_id: str,
        consumer: IdempotentConsumer | None,
        relay: OutboxRelay | None,
    ) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.topic = topic
        self.group_id = group_id
        self.consumer = consumer
        self.relay = relay

    async def parked(self) -> list[Parked]:
        return [self._summary(record) for record in await self._records()]

    async def one(self, partition: int, offset: int) -> ParkedRecord:
        record = await self._record(partition, offset)
        value: Any = record.value.decode(errors="replace") if record.value else None
        with contextlib.suppress(ValueError):
            value = json.loads(record.value) if record.value else None
        return ParkedRecord(
            **self._summary(record).model_dump(),
            headers={name: raw.decode(errors="replace") for name, raw in record.headers},
            value=value,
        )

    async def retry(self, partition: int, offset: int) -> RetryOutcome:
        record = await self._record(partition, offset)
        headers = dict(record.headers)
        if headers.get("dead-letter-stage") == b"relay":
            if self.relay is None:
                raise StillFailing("this service publishes nothing")
            try:
                sent = await self.relay.publish_late(int(headers["dead-letter-notification-id"]))
            except Unpublishable as error:
                raise StillFailing(str(error)) from error
            return RetryOutcome(outcome="published late" if sent else "has no contract")
        if self.consumer is None:
            raise StillFailing("this service consumes nothing")
        try:
            processed = await self.consumer.retry(record)
        except cloudevents.PoisonMessage as error:
            raise StillFailing(f"it can never be processed: {error}") from error
        except Exception as error:
            raise StillFailing(f"{type(error).__name__}: {error}") from error
        return RetryOutcome(outcome="processed" if processed else "already processed")

    async def lag(self, topics: list[str]) -> dict[str, dict[int, int]]:
        """Per consumed topic and partition: records not yet committed by the service's
        consumer group (Kafka's consumer lag)."""
        inspector = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap_servers,
            **connection(),
            group_id=self.group_id,
            enable_auto_commit=False,
        )
        await inspector.start()
        try:
            await inspector.topics()
            partitions = [
                TopicPartition(topic, p)
                for topic in topics
                for p in inspector.partitions_for_topic(topic) or ()
            ]
            ends = await inspector.end_offsets(partitions)
            lag: dict[str, dict[int, int]] = {}
            for tp in partitions:
                committed = await inspector.committed(tp) or 0
                lag.setdefault(tp.topic, {})[tp.partition] = max(0, ends[tp] - committed)
            return lag
        finally:
            await stop_client(inspector)

    async def _records(self) -> list[ConsumerRecord]:
        return [
            record
            async for batch in records_from_beginning(self.bootstrap_servers, [self.topic])
            for record in batch
        ]

    async def _record(self, partition: int, offset: int) -> ConsumerRecord:
        for record in await self._records():
            if (record.partition, record.offset) == (partition, offset):
                return record
        raise NotParked(f"nothing parked at {self.topic} partition {partition} offset {offset}")

    def _summary(self, record: ConsumerRecord) -> Parked:
        headers = {name: raw.decode(errors="replace") for name, raw in record.headers}
        relay = headers.get("dead-letter-stage") == "relay"
        sequence = headers.get("dead-letter-notification-id" if relay else "ce_sequence")
        return Parked(
            partition=record.partition,
            offset=record.offset,
            parked_at=dt.datetime.fromtimestamp(record.timestamp / 1000, dt.UTC),
            stage="relay" if relay else "consumer",
            reason=headers.get("dead-letter-reason", ""),
            topic=headers.get("dead-letter-topic", ""),
            event_type=headers.get("ce_type"),
            subject=headers.get("ce_subject") or (record.key or b"").decode(errors="replace"),
            sequence=int(sequence) if sequence and sequence.isdigit() else None,
            retried=None if relay else self._retried(headers),
        )

    def _retried(self, headers: dict[str, str]) -> bool | None:
        if self.consumer is None or not headers.get("ce_sequence", "").isdigit():
            return None
        try:
            partition = int(headers["dead-letter-partition"])
        except (KeyError, ValueError):
            return None
        tracking = own_tracking(
            "retry", headers.get("dead-letter-topic", ""), partition, int(headers["ce_sequence"])
        )
        recorder = self.consumer.application.recorder
        return recorder.has_tracking_id(tracking.application_name, tracking.notification_id)


def dead_letter_router(dead_letters: DeadLetters) -> APIRouter:
    router = APIRouter(
        tags=["operations"], prefix="/dead-letters", dependencies=[admits(Role.OPERATOR)]
    )
    Partition = Path(ge=0, le=10_000)
    Offset = Path(ge=0, lt=2**63 - 1)

    @router.get("", summary="What this service parked, oldest first, with the reasons")
    async def parked() -> list[Parked]:
        return await dead_letters.parked()

    @router.get("/{partition}/{offset}", summary="One parked record, headers and value")
    async def one(partition: int = Partition, offset: int = Offset) -> ParkedRecord:
        return await dead_letters.one(partition, offset)

    @router.post(
        "/{partition}/{offset}/retry",
        summary="Send a parked record back, once its cause is fixed (a second time: no effect)",
        responses={
            404: {"description": "nothing parked there"},
            409: {"description": "it still fails; the reason says why, and it stays parked"},
        },
    )
    async def retry(partition: int = Partition, offset: int = Offset) -> RetryOutcome:
        return await dead_letters.retry(partition, offset)

    return router
