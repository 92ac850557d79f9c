"""Enrolment anniversaries: a loop in the rewards service that awards each anniversary item
once, when its years have passed (after a restart, nothing is awarded twice: the ledger
decided the trigger)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable

import anyio
import structlog

from steiger.rewards.application import RewardsApplication
from steiger.rewards.domain.ledger import CALENDAR

log = structlog.get_logger(__name__)


def anniversary_awards(app: RewardsApplication, interval: float) -> Callable[[], Awaitable[None]]:
    thread = anyio.CapacityLimiter(1)

    async def run() -> None:
        while True:
            today = dt.datetime.now(CALENDAR).date()
            try:
                awarded = await anyio.to_thread.run_sync(
                    app.award_anniversaries, today, limiter=thread
                )
            except Exception:
                log.exception("anniversary awards failed; trying again next round")
            else:
                if awarded:
                    log.info("anniversary rewards earned", count=awarded)
            await asyncio.sleep(interval)

    return run
