"""Where Steiger reaches into a library's internals: each change here, and nowhere else,
with a test pinned to the installed version (tests/unit/test_internals.py) that fails
loudly when an upgrade changes what it relies on.
"""

from __future__ import annotations

import functools

import aiokafka.client
from aiokafka.protocol.metadata import MetadataRequest


def no_topic_auto_creation() -> None:
    """aiokafka asks the broker to create any topic it looks up (its metadata requests set
    `allow_auto_topic_creation`, and it has no setting for it). A broker that restarted
    empty would then make the topics a consumer or producer looks up first, with the
    broker's default partition count (Tansu: 4) rather than the configured one, and before
    the services had made them. Idempotent."""
    if not isinstance(aiokafka.client.MetadataRequest, functools.partial):
        aiokafka.client.MetadataRequest = functools.partial(
            MetadataRequest, allow_auto_topic_creation=False
        )
