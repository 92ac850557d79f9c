"""Offsets are committed a little after the records are processed, and every processed record's
offset is committed in the end — also one processed while a commit was on its way."""

from __future__ import annotations

import asyncio

from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord

from steiger.shared.consumer import OffsetCommitter

from ..waiting import eventually_async

TOPIC = "steiger.planning.events.v1"


def record(partition: int, offset: int) -> ConsumerRecord:
    return ConsumerRecord(
        topic=TOPIC,
        partition=partition,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=None,
        value=None,
        checksum=None,
        serialized_key_size=0,
        serialized_value_size=0,
        headers=(),
    )


class SlowConsumer:
    """Takes a while to commit, as a broker round trip does; remembers what was committed."""

    def __init__(self) -> None:
        self.commits: list[dict[TopicPartition, int]] = []
        self.committing = asyncio.Event()

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        self.committing.set()
        await asyncio.sleep(0.05)
        self.commits.append(offsets)


async def test_offsets_are_committed_together_after_the_interval():
    consumer, committer = SlowConsumer(), OffsetCommitter(interval=0.01)
    for offset in range(3):
        committer.processed(consumer, record(0, offset))
    committer.processed(consumer, record(1, 7))
    await eventually_async(lambda: consumer.commits, interval=0.01)
    assert consumer.commits == [{TopicPartition(TOPIC, 0): 3, TopicPartition(TOPIC, 1): 8}]


async def test_a_record_processed_during_a_commit_is_committed_without_another_record():
    consumer, committer = SlowConsumer(), OffsetCommitter(interval=0.01)
    committer.processed(consumer, record(0, 0))
    await consumer.committing.wait()
    committer.processed(consumer, record(0, 1))  # the last record for a long while
    await eventually_async(lambda: len(consumer.commits) == 2, timeout=5, interval=0.01)
    assert consumer.commits[-1] == {TopicPartition(TOPIC, 0): 2}
