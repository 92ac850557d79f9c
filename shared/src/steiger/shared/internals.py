"""Where Steiger reaches into a library's internals (the standard library's included):
each change here, and nowhere else, with a test pinned to the installed version
(tests/unit/test_internals.py, tests/unit/test_protocol_checks.py) that fails loudly when
an upgrade changes what it relies on.
"""

from __future__ import annotations

import functools
import sys
import typing
from collections.abc import Callable
from typing import Any
from uuid import UUID

import aiokafka.client
from aiokafka.protocol.metadata import MetadataRequest
from eventsourcing.application import ProcessingEvent, Repository
from eventsourcing.persistence import Recording
from eventsourcing.projection import EventSourcedProjection


def remember_protocol_members() -> None:
    """Python 3.11 works out a runtime-checkable protocol's members again on every
    isinstance() check; 3.12 works them out once per class. eventsourcing checks its
    protocols (`CanMutateProtocol`, `CollectEventsProtocol`, ...) several times for every
    event it stores or replays, so on 3.11 those checks were a noticeable share of each
    service's CPU (docs/benchmarks.md, "Measurements behind the code"). This backports
    3.12's behaviour: a protocol's members are remembered per class. Idempotent; does
    nothing on Python 3.12 and later (tests/unit/test_protocol_checks.py)."""
    if sys.version_info >= (3, 12):
        return
    members_of = typing._get_protocol_attrs  # type: ignore[attr-defined]
    if not hasattr(members_of, "cache_info"):
        typing._get_protocol_attrs = functools.cache(members_of)  # type: ignore[attr-defined]


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

    def recorded(self, recordings: list[Recording[UUID]], here: bool = True) -> None:
        """After every successful write, by this process (`here`) or, on a shared store,
        by another one; nothing unless a subclass says so."""

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
