"""structlog as JSON (outside a TTY), with service name and correlation id on every line.

Our own lines go straight from structlog to stderr; the libraries' stdlib logging goes
through the same processors and renderer by way of a logging handler, which costs four
times as much a line: too slow for the line a consumer writes per event
(docs/benchmarks.md, "Measurements behind the code")."""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog
from structlog.typing import EventDict, Processor

from steiger.shared.tracing import current_traceparent, trace_id


def _add_correlation(_: Any, __: str, event_dict: EventDict) -> EventDict:
    traceparent = current_traceparent.get()
    if traceparent and "correlation_id" not in event_dict:
        event_dict["correlation_id"] = trace_id(traceparent)
    return event_dict


def _named(service: str) -> Processor:
    def with_service(_: Any, __: str, event_dict: EventDict) -> EventDict:
        return {"service": service, **event_dict}

    return with_service


def configure_logging(service: str, level: str = "INFO") -> None:
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        _add_correlation,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _named(service),
    ]
    on_a_terminal = sys.stderr.isatty()
    renderer = (
        structlog.dev.ConsoleRenderer() if on_a_terminal else structlog.processors.JSONRenderer()
    )
    exceptions = [] if on_a_terminal else [structlog.processors.format_exc_info]
    structlog.configure(
        processors=[*shared, *exceptions, renderer],
        logger_factory=structlog.WriteLoggerFactory(sys.stderr),
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        cache_logger_on_first_use=True,
    )
    # Route the libraries' stdlib logging (uvicorn, faststream, aiokafka) through the same renderer.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                *exceptions,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("aiokafka", "uvicorn.access", "httpx"):  # httpx: a line per request
        logging.getLogger(noisy).setLevel(logging.WARNING)
