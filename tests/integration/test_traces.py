"""Traces to an OTLP endpoint, when one is configured: a real service on the embedded broker
sends its spans to a real OTLP/HTTP receiver. The event it consumes and the request it
answers are spans in the traces their producer and caller started, and the event the
request records goes out on Kafka carrying the request's own span."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiokafka import AIOKafkaProducer
from fastapi.testclient import TestClient
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from steiger.planning.main import parts as planning_parts
from steiger.planning.settings import Settings as PlanningSettings
from steiger.shared import cloudevents, tracing
from steiger.shared.contracts.participant import Household, ParticipantRegistered
from steiger.shared.kafka import ensure_topics
from steiger.shared.service import build_service
from steiger.shared.topics import events_topic

from ..access import staff
from ..waiting import eventually
from .conftest import read_topic

pytestmark = pytest.mark.broker
CALLER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
PRODUCER = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


class Collector:
    """An OTLP/HTTP receiver: keeps every span exported to it."""

    def __init__(self) -> None:
        self.spans: list[Span] = []
        self.resources: list[dict[str, str]] = []
        collector = self

        class Receive(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                request = ExportTraceServiceRequest.FromString(body)
                for resource_spans in request.resource_spans:
                    attributes = {
                        a.key: a.value.string_value for a in resource_spans.resource.attributes
                    }
                    for scope in resource_spans.scope_spans:
                        collector.spans.extend(scope.spans)
                        collector.resources.extend(attributes for _ in scope.spans)
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Receive)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def child_of(self, traceparent: str) -> Span | None:
        _, trace, parent, _ = traceparent.split("-")
        for span in self.spans:
            if span.trace_id.hex() == trace and span.parent_span_id.hex() == parent:
                return span
        return None


@pytest.fixture
def collector(monkeypatch):
    receiving = Collector()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiving.url)
    monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "50")  # ms: export at once
    yield receiving
    receiving.server.shutdown()


def attributes(span: Span) -> dict[str, object]:
    return {
        a.key: a.value.string_value or a.value.int_value or a.value.bool_value
        for a in span.attributes
    }


async def publish_registration(settings, participant_id: uuid.UUID) -> None:
    topic = events_topic("participant")
    await ensure_topics(settings.kafka_bootstrap_servers, [topic], settings.kafka_partitions)
    record = cloudevents.encode(
        ParticipantRegistered(
            participant_id=participant_id,
            programme="debt-help",
            cohort="2026-11",
            municipality="Alphen aan den Rijn",
            household=Household(adults=1),
            registered_at=dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC),
        ),
        event_id=str(uuid.uuid4()),
        source=settings.source_of("participant"),
        time=dt.datetime.now(dt.UTC),
        sequence=1,
        traceparent=PRODUCER,
        signing_key=settings.signing_key(),
    )
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers)
    await producer.start()
    try:
        headers = [(k, v.encode()) for k, v in record.headers.items()]
        await producer.send_and_wait(topic, record.value, key=record.key, headers=headers)
    finally:
        await producer.stop()


def test_the_event_consumed_and_the_request_answered_are_spans_of_their_traces(
    own_broker, tmp_path, collector
):
    settings = PlanningSettings(
        var_dir=tmp_path, kafka_bootstrap_servers=own_broker.bootstrap_servers
    )
    participant_id = uuid.uuid4()
    with TestClient(build_service(planning_parts(settings)), headers=staff()) as client:
        eventually(lambda: client.get("/health").status_code == 200, timeout=30)
        asyncio.run(publish_registration(settings, participant_id))

        consumed = eventually(lambda: collector.child_of(PRODUCER), timeout=30)
        assert consumed.name == "process nl.steiger.participant.participant-registered.v1"
        assert consumed.kind == Span.SPAN_KIND_CONSUMER
        assert attributes(consumed)["messaging.destination.name"] == events_topic("participant")

        answer = client.post(
            f"/participants/{participant_id}/goals",
            json={"title": "Schulden in beeld", "horizon": "short"},
            headers={"traceparent": CALLER},
        )
        assert answer.status_code == 201
        served = eventually(lambda: collector.child_of(CALLER), timeout=30)
        assert served.name == "POST /participants/{participant_id}/goals"
        assert served.kind == Span.SPAN_KIND_SERVER
        assert attributes(served)["http.response.status_code"] == 201
        # the answer and the published event carry the request's own span
        own = f"00-{served.trace_id.hex()}-{served.span_id.hex()}-01"
        assert answer.headers["traceparent"] == own

        def published() -> list:
            planning = events_topic("planning")
            records = asyncio.run(read_topic(own_broker.bootstrap_servers, planning))
            return [r for r in records if dict(r.headers).get("traceparent") == own.encode()]

        assert eventually(published, timeout=30)
    assert {"service.name": "steiger-planning"}.items() <= collector.resources[0].items()


def test_without_an_endpoint_nothing_is_exported_and_traces_still_continue(own_broker, tmp_path):
    settings = PlanningSettings(
        var_dir=tmp_path, kafka_bootstrap_servers=own_broker.bootstrap_servers
    )
    with TestClient(build_service(planning_parts(settings)), headers=staff()) as client:
        answer = client.get("/health/live", headers={"traceparent": CALLER})
        trace = CALLER.split("-")[1]
        assert answer.headers["traceparent"].split("-")[1] == trace
        assert answer.headers["traceparent"] != CALLER
        assert tracing._exporter is None
