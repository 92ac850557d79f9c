"""Beside other processes of the same service (replicas on one PostgreSQL schema), each
process keeps what it holds in memory in step with their writes: `StoreFollower` reads the
store's notification log after what it has seen, twice a second, and hands what others wrote
to the application's `recorded` (see `ServiceApplication.follow_store`). Aggregates need no
following: on a shared store every read brings a cached one up to the store first."""

from __future__ import annotations

import asyncio

import structlog

from steiger.shared.concurrency import off_the_loop, one_at_a_time
from steiger.shared.eventstore.application import Hosted

log = structlog.get_logger(__name__)


class StoreFollower:
    def __init__(self, application: Hosted, interval: float = 0.5) -> None:
        self.application = application
        self.interval = interval
        self._thread = one_at_a_time()

    async def run(self) -> None:
        while True:
            try:
                while await off_the_loop(self.application.follow_store, limiter=self._thread):
                    pass  # more may be waiting: a replica that was busy catches up at once
            except Exception:
                log.exception("could not follow the store; trying again")
            await asyncio.sleep(self.interval)
