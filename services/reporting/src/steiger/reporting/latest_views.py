"""Participant views computed once per version of their progress.

Mentors, dashboards and clients waiting for an effect read the same participant's progress
far more often than it changes. A view is kept with the version of the progress it was
computed from; a read between two events about the participant is a lookup. Versions come
from this process's own writes: reporting's consumer is the only writer of its store (a
rebuild writes another generation, with an application and views of its own)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

View = dict[str, Any]


class LatestViews:
    def __init__(self, size: int = 50_000) -> None:
        self.size = size
        self._latest: dict[UUID, int] = {}
        self._views: dict[tuple[UUID, dt.date], tuple[int, View]] = {}

    def changed(self, progress_id: UUID, version: int) -> None:
        """Called after each write: views of older versions are no longer served."""
        self._latest[progress_id] = version

    def get(self, progress_id: UUID, as_of: dt.date) -> View | None:
        kept = self._views.get((progress_id, as_of))
        if kept is None or kept[0] != self._latest.get(progress_id):
            return None
        return kept[1]

    def put(self, progress_id: UUID, as_of: dt.date, version: int, view: View) -> None:
        if len(self._views) >= self.size:
            self._views.clear()
        # Known no write since the start: the version read is the latest. A write that came
        # in meanwhile has set a newer one, and then this view is simply not served.
        self._latest.setdefault(progress_id, version)
        self._views[(progress_id, as_of)] = (version, view)
