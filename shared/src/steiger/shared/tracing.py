"""W3C trace context (traceparent) carried from HTTP through stored events to Kafka."""

from __future__ import annotations

import re
import secrets
from contextvars import ContextVar

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")

current_traceparent: ContextVar[str | None] = ContextVar("traceparent", default=None)


def new_traceparent() -> str:
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"


def continue_trace(incoming: str | None) -> str:
    """A new span in the incoming trace, or a new trace when there is none (or it is malformed)."""
    match = _TRACEPARENT.match(incoming or "")
    if match is None:
        return new_traceparent()
    return f"00-{match.group(1)}-{secrets.token_hex(8)}-{match.group(3)}"


def trace_id(traceparent: str | None) -> str | None:
    """The correlation id shown in logs: the trace id shared by every span of one request."""
    match = _TRACEPARENT.match(traceparent or "")
    return match.group(1) if match else None
