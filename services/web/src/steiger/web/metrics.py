"""What the web app measures, for Prometheus at `GET /metrics`: its pages as every service's
requests are counted (by route template, never the path asked: no participant ids in label
values), and its calls to the six services, by service and outcome, since the slowest of
those decides how fast a page is."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

from steiger.shared.metrics import LATENCY_BUCKETS, RequestMetrics


class WebMetrics(RequestMetrics):
    def __init__(self) -> None:
        super().__init__("web")
        self.backend_calls = Counter(
            "steiger_web_backend_calls",
            "Calls of the web app to a service, by service and outcome (2xx, 4xx, unavailable)",
            ["service", "outcome"],
            registry=self.registry,
        )
        self.backend_seconds = Histogram(
            "steiger_web_backend_call_duration_seconds",
            "Time a service took to answer the web app, by service",
            ["service"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )

    def observe_call(self, service: str, outcome: str, seconds: float) -> None:
        self.backend_calls.labels(service, outcome).inc()
        self.backend_seconds.labels(service).observe(seconds)
