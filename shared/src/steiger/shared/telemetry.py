"""Traces to an OpenTelemetry collector (OTLP over HTTP), when one is configured with the
standard variables (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`,
and the SDK's others: headers, sampler, resource attributes). Each request a service answers
and each event its consumer processes is a span in the trace the caller or the producer
started: the `traceparent` Steiger already carries from HTTP through stored events to Kafka
records is the exported span's own, so a trace follows a change through every service.

Without an endpoint nothing is exported and no OpenTelemetry code runs
(`steiger.shared.tracing` makes the ids itself)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

_KINDS = {"server": SpanKind.SERVER, "consumer": SpanKind.CONSUMER}


class ExportedSpan:
    def __init__(self, span: Any) -> None:
        self._span = span
        context = span.get_span_context()
        self.traceparent = (
            f"00-{context.trace_id:032x}-{context.span_id:016x}-{context.trace_flags:02x}"
        )

    def end(
        self,
        name: str | None = None,
        failed: str | None = None,
        attributes: Mapping[str, Any] | None = None,
    ) -> None:
        if name:
            self._span.update_name(name)
        if attributes:
            self._span.set_attributes(attributes)
        if failed:
            self._span.set_status(Status(StatusCode.ERROR, failed))
        self._span.end()


class OtlpTraces:
    def __init__(self, service: str) -> None:
        resource = Resource.create(
            {"service.name": f"steiger-{service}", "service.namespace": "steiger"}
        )
        self.provider = TracerProvider(resource=resource)
        self.provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        self._tracer = self.provider.get_tracer("steiger")
        self._propagator = TraceContextTextMapPropagator()

    def begin(
        self,
        name: str,
        incoming: str | None,
        kind: Literal["server", "consumer"],
        attributes: Mapping[str, Any],
    ) -> ExportedSpan:
        parent = self._propagator.extract({"traceparent": incoming}) if incoming else None
        span = self._tracer.start_span(
            name, context=parent, kind=_KINDS[kind], attributes=dict(attributes)
        )
        return ExportedSpan(span)

    def flush(self) -> None:
        self.provider.force_flush()

    def shutdown(self) -> None:
        self.provider.shutdown()
