"""W3C trace context (traceparent) carried from HTTP through stored events to Kafka; each
request answered and each event consumed is a span of it (`begin`), exported to an
OpenTelemetry collector when one is configured (`export_traces`, `steiger.shared.telemetry`)."""

from __future__ import annotations

import os
import random
import re
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any, Literal, Protocol

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


class Span(Protocol):
    traceparent: str
    """The span's own: what the request's or event's writes carry on."""

    def end(
        self,
        name: str | None = None,
        failed: str | None = None,
        attributes: Mapping[str, Any] | None = None,
    ) -> None:
        """`name`: a better one known only at the end (the matched route)."""


class _Unexported:
    def __init__(self, traceparent: str) -> None:
        self.traceparent = traceparent

    def end(
        self,
        name: str | None = None,
        failed: str | None = None,
        attributes: Mapping[str, Any] | None = None,
    ) -> None:
        pass


_exporter: Any = None
"""The service's `steiger.shared.telemetry.OtlpTraces`, when traces are exported."""


def begin(
    name: str,
    incoming: str | None,
    kind: Literal["server", "consumer"],
    **attributes: Any,
) -> Span:
    """A span continuing `incoming` (or a new trace when there is none or it is malformed)."""
    if _exporter is None:
        return _Unexported(continue_trace(incoming))
    span: Span = _exporter.begin(name, incoming, kind, attributes)
    return span


OTLP_ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")


def export_traces(service: str, environ: Mapping[str, str] = os.environ) -> bool:
    """From now on, spans go to the OTLP endpoint the environment names, if it names one."""
    global _exporter
    if not any(environ.get(name) for name in OTLP_ENDPOINT_VARIABLES):
        return False
    if _exporter is None:
        from steiger.shared.telemetry import OtlpTraces

        _exporter = OtlpTraces(service)
    return True


def stop_exporting() -> None:
    """Sends what is waiting, then exports nothing more (the service stops)."""
    global _exporter
    if _exporter is not None:
        _exporter.shutdown()
        _exporter = None
