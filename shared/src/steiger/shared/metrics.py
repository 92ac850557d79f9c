"""What a service measures, for Prometheus at `GET /metrics` (prometheus-client: the
exposition format and its types are its craft, not ours).

Each service has a registry of its own (several services in one test process must not share
one). Requests are counted and timed by route template, never by the path a caller sent (no
ids in label values); what the store, the relay and the consumer know is read when
Prometheus asks, from the same places `/health` reads it."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
"""Seconds: from a cached read (a few ms) to a long poll's wait."""


class RequestMetrics:
    """The series of every process that answers HTTP (the six services and the web app)."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "steiger_http_requests",
            "HTTP requests answered, by route template and status",
            ["method", "route", "status"],
            registry=r,
        )
        self.request_seconds = Histogram(
            "steiger_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.request_seconds.labels(method, route).observe(seconds)


class ServiceMetrics(RequestMetrics):
    """The series every service has; a service adds its own on `registry`."""

    def __init__(self, service: str) -> None:
        super().__init__(service)
        r = self.registry
        self.append_seconds = Histogram(
            "steiger_event_store_append_duration_seconds",
            "Time to store the events (and tracking) of one write, in one transaction",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.store_position = Gauge(
            "steiger_event_store_position", "The store's last notification id", registry=r
        )
        self.relay_position = Gauge(
            "steiger_relay_published_position",
            "The last notification id the relay published",
            registry=r,
        )
        self.relay_lag = Gauge(
            "steiger_relay_lag_events",
            "Events stored but not yet published: store position minus published",
            registry=r,
        )
        self.relay_ready = Gauge(
            "steiger_relay_ready",
            "1 while the relay publishes, 0 while it cannot (or the process does not lead)",
            registry=r,
        )
        self.leader = Gauge(
            "steiger_leader",
            "1 while this process leads its service (publishes, runs scheduled work)",
            registry=r,
        )
        self.dead_lettered = Gauge(
            "steiger_dead_lettered_records",
            "Records parked on the dead-letter topic since the process started, by stage",
            ["stage"],
            registry=r,
        )
        self.consumer_lag = Gauge(
            "steiger_consumer_lag_records",
            "Records of a consumed topic's partition not yet processed",
            ["topic", "partition"],
            registry=r,
        )
        self.broker_up = Gauge(
            "steiger_broker_up", "1 when the broker answered the last check", registry=r
        )

    def note_lag(self, lag: Mapping[str, Any]) -> None:
        """Consumer lag as `/health` reports it: per topic, per partition (a topic whose
        lag could not be read is left as it was)."""
        for topic, partitions in lag.items():
            if isinstance(partitions, Mapping):
                for partition, behind in partitions.items():
                    self.consumer_lag.labels(topic, str(partition)).set(behind)


class MetricsMiddleware:
    """Counts and times every HTTP request by its route template (`/goals/{goal_id}`), or
    `unmatched` for a path no route has."""

    def __init__(self, app: ASGIApp, metrics: Callable[[], RequestMetrics]) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = scope.get("route")
            template = getattr(route, "path_format", None) or "unmatched"
            self.metrics().observe_request(
                scope["method"], template, status, time.perf_counter() - started
            )
