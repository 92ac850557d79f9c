"""Participant views computed once per version of their progress.

Mentors, dashboards and clients waiting for an effect read the same participant's progress
far more often than it changes. A view is kept with the version of the progress it was
computed from; a read between two events about the participant is a lookup. Versions come
from this process's own writes: reporting's consumer is the only writer of its store (a
rebuild writes another generation, with an application and views of its own)."""

from __future__ import annotations

import datetime as dt
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
        """Called after each write: views of older versions are no longer served."""
        self._latest[progress_id] = version

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
