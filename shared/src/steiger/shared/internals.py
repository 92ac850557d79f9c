"""Where Steiger reaches into a library's internals: each change here, and nowhere else,
with a test pinned to the installed version (tests/unit/test_internals.py) that fails
loudly when an upgrade changes what it relies on.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from uuid import UUID

import aiokafka.client
from aiokafka.protocol.metadata import MetadataRequest
from eventsourcing.application import ProcessingEvent, Repository
from eventsourcing.persistence import Recording
from eventsourcing.projection import EventSourcedProjection


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


class StoreHooks(EventSourcedProjection[UUID]):
    """eventsourcing's application with the two private steps of every write (its `save` and
    `process_event` call them) made public for Steiger to override: `record` stores a
    processing event's events and returns the recordings; `recorded` follows every
    successful write."""

    def _record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        return self.record(processing_event)

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        super()._notify(recordings)
        self.recorded(recordings)

    def record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        return super()._record(processing_event)

    def recorded(self, recordings: list[Recording[UUID]]) -> None:
        """After every successful write; nothing unless a subclass says so."""

    def after_recording(
        self, processing_event: ProcessingEvent[UUID], recordings: list[Recording[UUID]]
    ) -> None:
        """What the library does after recording (in `save` and `process_event`), for a
        write made another way (a batch of incoming events): snapshots, then `recorded`."""
        self._take_snapshots(processing_event)
        self._notify(recordings)


def reconstruct_aggregate(
    repository: Repository[UUID], aggregate_id: UUID, projector_func: Callable[..., Any]
) -> Any:
    """The aggregate's current version, read from the store (snapshot and events) without
    the repository's cache."""
    return repository._reconstruct_aggregate(aggregate_id, None, projector_func)
