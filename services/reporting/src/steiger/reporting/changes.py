"""Clients waiting for a participant's progress to change: a long poll instead of a poll.

A mentor's screen, or a client that has just sent a command, asks for the progress once with
the version it already shows and is answered the moment reporting records a change for that
participant (or when its wait is over). Reporting's consumer records on its own thread; the
waiting requests live on the event loop, so a change is handed over with
`call_soon_threadsafe`. No I/O here."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable, Iterable
from uuid import UUID


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
