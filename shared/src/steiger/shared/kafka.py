"""Kafka plumbing shared by relay, consumer, runtime and tests: topics and producer options."""

from __future__ import annotations

import contextlib

import structlog
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

log = structlog.get_logger(__name__)

# Tansu (the embedded broker) rejects InitProducerId, so idempotent/transactional producers stay
# off; ordering holds because each relay waits for a batch's acknowledgements before the next.
PRODUCER_OPTIONS = {"enable_idempotence": False, "acks": "all", "linger_ms": 2}
CONSUMER_OPTIONS = {"auto_offset_reset": "earliest", "fetch_max_wait_ms": 25}


async def ensure_topics(bootstrap_servers: str, topics: list[str], partitions: int) -> None:
    """Create the topics that do not exist yet (idempotent; safe to call at every start)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
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
        await admin.close()
