"""The repository every service reads its aggregates from: eventsourcing's, aware of the batch
being processed and careful with its cache."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any
from uuid import UUID

from eventsourcing.application import ProcessingEvent, Repository, project_aggregate

from steiger.shared.copying import private_copy
from steiger.shared.internals import reconstruct_aggregate

current_batch: ContextVar[ProcessingEvent[UUID] | None] = ContextVar("steiger_batch", default=None)
"""The batch of incoming events being processed on this thread, if any."""


class BatchAwareRepository(Repository[UUID]):
    """The library's repository, with three changes.

    While a batch of incoming events is processed (inside `process_batch` only), an
    aggregate an earlier event of the batch changed is that same object, not the stored
    version: its new events are not stored until the whole batch is.

    A cached aggregate is handed out as a private copy, as the library does, but made by
    `steiger.shared.copying` rather than `copy.deepcopy` (five times faster).

    Every write leaves its aggregates in the cache (`remember`, by the application), so the
    next command finds them as recorded. Without fast-forwarding (the store's only writer is
    this process), a cached aggregate is therefore current and a read asks the store nothing;
    with it, each read first asks the store for newer events, as the library does."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._remembering = threading.Lock()

    def get(self, aggregate_id: UUID, **kwargs: Any) -> Any:
        batch = current_batch.get()
        if batch is not None and kwargs.get("version") is None:
            changed = batch.aggregates.get(aggregate_id)
            if changed is not None:
                return changed
        wants_copy = kwargs.pop("deepcopy_from_cache", True)
        if not self.cache or kwargs.get("version") is not None:
            return super().get(aggregate_id, deepcopy_from_cache=wants_copy, **kwargs)
        if self.fastforward:
            aggregate = super().get(aggregate_id, deepcopy_from_cache=False, **kwargs)
        else:
            aggregate = self._cached(aggregate_id, kwargs.get("projector_func", project_aggregate))
        return private_copy(aggregate) if wants_copy and self.deepcopy_from_cache else aggregate

    def _cached(self, aggregate_id: UUID, projector_func: Any) -> Any:
        assert self.cache is not None
        try:
            return self.cache.get(aggregate_id)
        except KeyError:
            return self.remember(reconstruct_aggregate(self, aggregate_id, projector_func))

    def remember(self, aggregate: Any) -> Any:
        """Caches `aggregate` unless the cache holds the same or a newer version of it (a
        reader that replayed it from the store must not put back what a writer has since
        changed); returns the one cached."""
        if not self.cache:
            return aggregate
        with self._remembering:
            try:
                cached = self.cache.get(aggregate.id)
            except KeyError:
                cached = None
            if cached is not None and cached.version >= aggregate.version:
                return cached
            self.cache.put(aggregate.id, aggregate)
            return aggregate

    def catch_up(self, aggregate_ids: Iterable[UUID]) -> None:
        """After a conflict: each cached aggregate gets the events another writer stored
        after its version, read from the store (usually none; the conflict was about one of
        them). Forgetting them instead made every aggregate of a conflicting batch replay
        its whole history (docs/benchmarks.md, "Measurements behind the code")."""
        if not self.cache:
            return
        for aggregate_id in aggregate_ids:
            try:
                cached = self.cache.get(aggregate_id)
            except KeyError:
                continue  # the next read replays it from the store
            newer = list(self.event_store.get(originator_id=aggregate_id, gt=cached.version))
            if newer:  # the cached one stays as it is: readers may be copying it
                self.remember(project_aggregate(private_copy(cached), newer))

    def forget_about(self, participant_id: UUID) -> None:
        """Drops every cached aggregate about the participant (after their erasure: what
        was read while their key existed holds their texts in the clear)."""
        if not self.cache:
            return
        with self._remembering:
            for aggregate_id in list(self.cache.cache):
                try:
                    cached = self.cache.get(aggregate_id)
                except KeyError:
                    continue
                if getattr(cached, "participant_id", None) == participant_id:
                    self.cache.get(aggregate_id, evict=True)
