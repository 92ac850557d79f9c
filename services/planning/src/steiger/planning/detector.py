"""The missed-action detector: a loop in the planning service itself.

Every `interval` seconds it marks the open actions whose due date (in the organisation's
time zone) has passed as missed. Each is recorded once: a missed action is no longer open,
so neither a second pass nor a restart records it again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

import anyio
import structlog

from steiger.planning.application import PlanningApplication

log = structlog.get_logger(__name__)


def missed_action_detector(
    app: PlanningApplication, interval: float, zone: ZoneInfo
) -> Callable[[], Awaitable[None]]:
    thread = anyio.CapacityLimiter(1)

    async def run() -> None:
        while True:
            today = dt.datetime.now(zone).date()
            try:
                missed = await anyio.to_thread.run_sync(
                    app.detect_missed_actions, today, limiter=thread
                )
            except Exception:
                log.exception("missed-action detection failed; trying again next round")
            else:
                if missed:
                    log.info("actions missed", count=missed, today=str(today))
            await asyncio.sleep(interval)

    return run
