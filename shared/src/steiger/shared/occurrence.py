"""When an incoming event happened, as its producer stamped it (the CloudEvents `time` of its
record), for the reactions that need to order events of different topics: no order holds
between two producers' topics, so "after the consent" is decided by these times, not by the
order in which the events arrived (notifications' partner sharing).

The consumer names the times of the events it is about to process (`occurring`); a reaction
asks `occurred_at(event)`. An event processed outside a consumer (a test feeding one in, a
replay) happened when it is processed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_times: ContextVar[dict[int, dt.datetime] | None] = ContextVar("occurrence", default=None)


@contextmanager
def occurring(stamped: Iterable[tuple[Any, dt.datetime]]) -> Iterator[None]:
    """While processing these (event, time) pairs, each event happened at its time."""
    token = _times.set({id(event): time for event, time in stamped})
    try:
        yield
    finally:
        _times.reset(token)


def occurred_at(event: Any) -> dt.datetime:
    times = _times.get()
    found = times.get(id(event)) if times else None
    return found or dt.datetime.now(dt.UTC)
