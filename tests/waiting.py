"""Waiting for something to happen, in one way: poll a condition until it holds or a deadline
passes. Tests wait for what they expect, never for a fixed time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any


def eventually(condition: Callable[[], Any], timeout: float = 30.0, interval: float = 0.1) -> Any:
    """The condition's first true result; fails the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(interval)
    return result


async def eventually_async(
    condition: Callable[[], Any], timeout: float = 30.0, interval: float = 0.1
) -> Any:
    """`eventually` on the event loop; the condition may be a coroutine function."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(interval)
