"""What a caseload is read from. The mentor index: every participant ever assigned to a
mentor (a caseload as of an earlier day holds those assigned then), built from the store on
first use and kept up to date as assignments are noted (here or by another process), so that a
caseload reads its mentor's participants, not every participant's progress. The caseload
lines: each participant's line as of a day, kept while their progress has no newer version,
so that a team lead's page of 2,000 reads from the store only what changed."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

from steiger.shared.access import Case

Line = tuple[str | None, dict[str, Any], Case | None]
"""Whose caseload the participant is on that day, their line, and their case as it is now
(who may see the line: it changes with an assignment, which the progress notes too)."""
KEPT_LINES = 20_000


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


class CaseloadLines:
    def __init__(
        self,
        compute: Callable[[UUID, dt.date], tuple[int, Line]],
        latest_version: Callable[[UUID], int | None],
    ) -> None:
        self._compute = compute
        self._latest_version = latest_version
        self._kept: dict[tuple[UUID, dt.date], tuple[int, Line]] = {}
        self._lock = threading.Lock()

    def line(self, progress_id: UUID, as_of: dt.date) -> Line:
        key = (progress_id, as_of)
        kept = self._kept.get(key)
        latest = self._latest_version(progress_id)
        if kept is not None and (latest is None or latest == kept[0]):
            return kept[1]
        version, line = self._compute(progress_id, as_of)
        with self._lock:
            if len(self._kept) >= KEPT_LINES:
                self._kept.clear()  # rare: a day's lines of more participants than this
            self._kept[key] = (version, line)
        return line
