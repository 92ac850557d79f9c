"""Reporting's read models in memory, beside its store.

`LatestViews`: participant views computed once per version of their progress.

Mentors, dashboards and clients waiting for an effect read the same participant's progress
far more often than it changes. A view is kept with the version of the progress it was
computed from; a read between two events about the participant is a lookup. Versions come
from this process's own writes: reporting's consumer is the only writer of its store (a
rebuild writes another generation, with an application and views of its own).

`ProgressChanges`: clients waiting for a participant's progress to change (a long poll
instead of a poll).

A mentor's screen, or a client that has just sent a command, asks for the progress once with
the version it already shows and is answered the moment reporting records a change for that
participant (or when its wait is over). Reporting's consumer records on its own thread; the
waiting requests live on the event loop, so a change is handed over with
`call_soon_threadsafe`. No I/O here."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple
from uuid import UUID

import pydantic_core

View = dict[str, Any]


class Kept(NamedTuple):
    version: int
    view: View
    body: bytes
    """The view as JSON, encoded once: reads far outnumber changes."""


class LatestViews:
    def __init__(self, size: int = 50_000) -> None:
        self.size = size
        self._latest: dict[UUID, int] = {}
        self._views: dict[tuple[UUID, dt.date], Kept] = {}

    def changed(self, progress_id: UUID, version: int) -> None:
        """Called after each write (also by another process, a little later, and then
        possibly after a newer one of this process's): views of older versions are no
        longer served."""
        self._latest[progress_id] = max(version, self._latest.get(progress_id, version))

    def latest(self, progress_id: UUID) -> int | None:
        """The newest version written or read since the start, if any."""
        return self._latest.get(progress_id)

    def get(self, progress_id: UUID, as_of: dt.date) -> Kept | None:
        kept = self._views.get((progress_id, as_of))
        if kept is None or kept.version != self._latest.get(progress_id):
            return None
        return kept

    def put(self, progress_id: UUID, as_of: dt.date, version: int, view: View) -> Kept:
        if len(self._views) >= self.size:
            self._views.clear()
        # Known no write since the start: the version read is the latest. A write that came
        # in meanwhile has set a newer one, and then this view is simply not served.
        self._latest.setdefault(progress_id, version)
        kept = self._views[(progress_id, as_of)] = Kept(version, view, pydantic_core.to_json(view))
        return kept


class ProgressChanges:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting: defaultdict[UUID, set[asyncio.Future[None]]] = defaultdict(set)

    def changed(self, progress_ids: Iterable[UUID] | None) -> None:
        """Called on any thread after a write (`None`: everything changed, e.g. a swap of
        store generations). A waiter that registers meanwhile checks the version after
        registering, so no change falls between the two."""
        if self._loop is not None and self._waiting:
            ids = None if progress_ids is None else list(progress_ids)
            self._loop.call_soon_threadsafe(self._wake, ids)

    async def wait(self, progress_id: UUID, timeout: float, changed: Callable[[], bool]) -> None:
        """Returns when `progress_id` changes, at once if `changed()` says it already has,
        or after `timeout` seconds."""
        self._loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = self._loop.create_future()
        waiting = self._waiting[progress_id]
        waiting.add(future)
        try:
            if not changed():
                await asyncio.wait_for(future, timeout)
        except TimeoutError:
            pass
        finally:
            waiting.discard(future)
            if not waiting:
                self._waiting.pop(progress_id, None)

    def _wake(self, progress_ids: list[UUID] | None) -> None:
        ids = list(self._waiting) if progress_ids is None else progress_ids
        for progress_id in ids:
            for future in self._waiting.get(progress_id, ()):
                if not future.done():
                    future.set_result(None)
