"""Helpers for tests over the real broker: read a topic back, wait for a condition."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from aiokafka import AIOKafkaConsumer, TopicPartition

from steiger.cli.issuer import DevelopmentIssuer, issuer_app

from ..conftest import free_port
from ..waiting import eventually, eventually_async


async def read_topic(bootstrap: str, topic: str, timeout: float = 10.0) -> list:
    """Every record now in `topic`, in partition order."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer.topics()
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records: list = []
        deadline = time.monotonic() + timeout
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            assert time.monotonic() < deadline, f"could not read {topic} to its end"
            for batch in (await consumer.getmany(timeout_ms=200)).values():
                records.extend(batch)
        return records
    finally:
        await consumer.stop()


async def uncommitted(bootstrap: str, group: str, topic: str) -> int:
    """Records in `topic` beyond the offsets `group` has committed."""
    probe = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await probe.start()
    try:
        await probe.topics()
        partitions = [TopicPartition(topic, p) for p in probe.partitions_for_topic(topic) or ()]
        ends = await probe.end_offsets(partitions)
        return sum([end - (await probe.committed(tp) or 0) for tp, end in ends.items()])
    finally:
        await probe.stop()


@pytest.fixture
def kafka_tools():
    return read_topic, eventually_async


@pytest.fixture
def committed_lag():
    return uncommitted


@pytest.fixture
def issuer(tmp_path) -> Iterator[DevelopmentIssuer]:
    """The development issuer over HTTP (uvicorn), with a key of the test's own."""
    port = free_port()
    issuer = DevelopmentIssuer(tmp_path, f"http://127.0.0.1:{port}")
    server = uvicorn.Server(uvicorn.Config(issuer_app(issuer), port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    eventually(lambda: server.started, timeout=10, interval=0.02)
    yield issuer
    server.should_exit = True
    thread.join(5)
