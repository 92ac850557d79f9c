"""W3C trace context (traceparent) carried from HTTP through stored events to Kafka."""

from __future__ import annotations

import random
import re
from contextvars import ContextVar

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")

current_traceparent: ContextVar[str | None] = ContextVar("traceparent", default=None)
current_actor: ContextVar[dict[str, object] | None] = ContextVar("actor", default=None)
"""Who sends the request being served, as the door admitted them: stored with every event the
request records (`steiger.shared.eventstore.mapper`)."""


def _span_id() -> str:
    # Trace and span ids must be random (W3C), not secret: the Mersenne Twister will do, and
    # spares a system call per request and per consumed event.
    return f"{random.getrandbits(64) or 1:016x}"


def new_traceparent() -> str:
    return f"00-{random.getrandbits(128) or 1:032x}-{_span_id()}-01"


def continue_trace(incoming: str | None) -> str:
    """A new span in the incoming trace, or a new trace when there is none (or it is malformed)."""
    match = _TRACEPARENT.match(incoming or "")
    if match is None:
        return new_traceparent()
    return f"00-{match.group(1)}-{_span_id()}-{match.group(3)}"


def trace_id(traceparent: str | None) -> str | None:
    """The correlation id shown in logs: the trace id shared by every span of one request."""
    match = _TRACEPARENT.match(traceparent or "")
    return match.group(1) if match else None
