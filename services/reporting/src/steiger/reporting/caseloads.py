"""Whose progress a mentor's caseload is read from: every participant ever assigned to the
mentor (a caseload as of an earlier day holds those assigned then). Built from the store on
first use, kept up to date as assignments are noted (here or by another process), so that a
caseload reads its mentor's participants, not every participant's progress."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from uuid import UUID


class MentorIndex:
    def __init__(self, load: Callable[[], Iterable[tuple[str, UUID]]]) -> None:
        self._load = load
        self._progress_ids: dict[str, set[UUID]] | None = None
        self._lock = threading.Lock()

    def _ready(self) -> dict[str, set[UUID]]:
        with self._lock:
            if self._progress_ids is None:
                found: dict[str, set[UUID]] = {}
                for mentor_id, progress_id in self._load():
                    found.setdefault(mentor_id, set()).add(progress_id)
                self._progress_ids = found
            return self._progress_ids

    def assigned(self, mentor_id: str, progress_id: UUID) -> None:
        with self._lock:
            if self._progress_ids is not None:
                self._progress_ids.setdefault(mentor_id, set()).add(progress_id)

    def progress_of(self, mentor_id: str) -> set[UUID]:
        """The progress ids of every participant ever assigned to the mentor."""
        return set(self._ready().get(mentor_id, ()))
