"""The relays' producer over the real broker: Kafka's key-to-partition mapping, and order."""

from __future__ import annotations

import uuid

import pytest
from aiokafka.partitioner import DefaultPartitioner

from steiger.shared.cloudevents import KafkaRecord
from steiger.shared.kafka import MAX_BATCH_BYTES, BatchProducer, ensure_topics

pytestmark = pytest.mark.broker


def records(keys: list[bytes], count: int, size: int) -> list[KafkaRecord]:
    return [
        KafkaRecord(
            key=keys[n % len(keys)],
            value=b"x" * size,
            headers={"ce_sequence": str(n), "ce_type": "nl.steiger.test.v1"},
        )
        for n in range(1, count + 1)
    ]


async def test_records_go_where_kafkas_default_partitioner_puts_them_in_order(broker, kafka_tools):
    read_topic, _ = kafka_tools
    topic = f"test.batch-producer.{uuid.uuid4()}"
    await ensure_topics(broker.bootstrap_servers, [topic], 3)
    keys = [str(uuid.uuid4()).encode() for _ in range(7)]
    # more than one produced batch per partition: ~3 MB in 1 kB records
    sent = records(keys, 3 * MAX_BATCH_BYTES // 1000, 1000)
    producer = BatchProducer(broker.bootstrap_servers, topic)
    await producer.start()
    try:
        acknowledged = await producer.publish(sent[:100])
        acknowledged_rest = await producer.publish(sent[100:])
    finally:
        await producer.stop()

    received = await read_topic(broker.bootstrap_servers, topic)
    assert len(received) == len(sent)
    partitioner = DefaultPartitioner()
    for record in received:
        assert record.partition == partitioner(record.key, [0, 1, 2], [0, 1, 2])
    for partition in {r.partition for r in received}:
        in_partition = [r for r in received if r.partition == partition]
        sequences = [int(dict(r.headers)["ce_sequence"]) for r in in_partition]
        assert sequences == sorted(sequences)
        # what publish reports: where the first of each call began, and the last it sent
        first_of_rest = next(r for r in in_partition if int(dict(r.headers)["ce_sequence"]) > 100)
        assert acknowledged_rest[partition][0] == first_of_rest.offset
        assert acknowledged_rest[partition][1].headers["ce_sequence"] == str(sequences[-1])
        if partition in acknowledged:
            assert acknowledged[partition][0] == in_partition[0].offset
