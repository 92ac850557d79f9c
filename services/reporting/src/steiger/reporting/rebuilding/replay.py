"""Replay: rebuild every projection from the full history without stopping the service.

The next store generation is filled aside from the chosen history (stores or Kafka); then
it catches up from Kafka on what the live consumer saw meanwhile, once freely and once more
with the live consumer held, and takes over. The projections are folds of the same events
by the same reactions, so the rebuilt generation equals the live one."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import structlog

from steiger.reporting.application import ReportingApplication
from steiger.reporting.rebuilding.fill import Rebuild
from steiger.reporting.rebuilding.generations import (
    LiveProjections,
    discard,
    environment,
    make_current,
)
from steiger.reporting.settings import Settings
from steiger.shared.concurrency import in_own_thread

log = structlog.get_logger("replay")
SOURCES = ("stores", "kafka")


class ReplayRunning(Exception):
    """A replay is already under way."""


class NotAlone(Exception):
    """Other processes of reporting are running"""


@dataclass
class ReplayStatus:
    state: str = "idle"  # idle, reading, catching-up, done, failed
    source: str | None = None
    generation: int | None = None
    applied: int = 0
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    events_per_second: float | None = None
    sources: int = 0
    error: str | None = None


class Replay:
    def __init__(
        self,
        settings: Settings,
        live: LiveProjections,
        fills: Mapping[str, Callable[[Mapping[str, str], Callable[[int], None]], dict[str, int]]],
        newer_than: Callable[[Mapping[str, int]], Iterable[Any]],
    ) -> None:
        self.settings, self.live = settings, live
        self.fills, self.newer_than = fills, newer_than
        self.status = ReplayStatus()
        self._lock = threading.Lock()

    def start(self, source: str) -> ReplayStatus:
        with self._lock:
            if self.status.state in ("reading", "catching-up"):
                raise ReplayRunning(f"a replay from {self.status.source} is under way")
            self.status = ReplayStatus(
                state="reading",
                source=source,
                generation=self.live.generation + 1,
                started_at=dt.datetime.now(dt.UTC),
            )
        in_own_thread("replay", self.run)
        return self.status

    def run(self) -> None:
        status = self.status
        assert status.source is not None and status.generation is not None
        try:
            discard(self.settings, status.generation)
            env = environment(self.settings, status.generation)
            began = time.monotonic()
            positions = self.fills[status.source](env, self._count)
            status.events_per_second = round(status.applied / (time.monotonic() - began), 1)
            aside = ReportingApplication(env)
            rebuild = Rebuild(aside)
            rebuild.adopt(positions)
            status.state = "catching-up"
            rebuild.feed(self.newer_than(rebuild.positions), self._count)
            rebuild.record_positions()
            with self.live.swapping:  # the live consumer waits for these last few events
                rebuild.feed(self.newer_than(rebuild.positions), self._count)
                status.sources = len(rebuild.record_positions())
                self.live.swap(aside, status.generation)
                make_current(self.settings, status.generation)
            status.state, status.finished_at = "done", dt.datetime.now(dt.UTC)
            log.info("projections rebuilt", **{k: str(v) for k, v in asdict(status).items()})
        except Exception as error:
            status.state, status.error = "failed", f"{type(error).__name__}: {error}"
            status.finished_at = dt.datetime.now(dt.UTC)
            log.exception("replay failed; the live projections are unchanged")

    def _count(self, n: int) -> None:
        self.status.applied += n
