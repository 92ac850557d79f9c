"""Liveness and readiness apart, and the metrics Prometheus reads, on a real service over the
embedded broker: readiness goes when the broker goes and comes back with it, while
liveness stays; `/metrics` carries requests by route template and status with their
latency, the store's position, the relay's lag, the consumer's lag per partition, dead
letters, append latency, and (notifications) how notifications ended."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from eventsourcing.persistence import Tracking
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from steiger.notifications.main import parts as notifications_parts
from steiger.notifications.settings import Settings as NotificationsSettings
from steiger.planning.main import parts as planning_parts
from steiger.planning.settings import Settings as PlanningSettings
from steiger.shared.contracts.participant import ParticipantErased
from steiger.shared.service import build_service

from ..access import staff
from ..notifications.test_scheduling import P, planned
from ..registrations import registered
from ..waiting import eventually

pytestmark = pytest.mark.broker


def samples(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    exposed = client.get("/metrics")
    assert exposed.status_code == 200
    assert exposed.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(exposed.text)
        for sample in family.samples
    }


def value(found, name: str, **labels: str) -> float | None:
    return found.get((name, tuple(sorted(labels.items()))))


def test_readiness_follows_the_broker_while_liveness_stays(own_broker, tmp_path):
    settings = PlanningSettings(
        var_dir=tmp_path, kafka_bootstrap_servers=own_broker.bootstrap_servers
    )
    with TestClient(build_service(planning_parts(settings)), headers=staff()) as client:
        eventually(lambda: client.get("/health/ready").status_code == 200, timeout=30)
        assert client.get("/health/live").json() == {"service": "planning", "status": "live"}

        own_broker.stop()
        gone = client.get("/health/ready")
        assert gone.status_code == 503 and gone.json()["broker"] == "unavailable"
        assert client.get("/health").status_code == 503
        assert client.get("/health/live").status_code == 200  # no restart for a broker outage
        assert value(samples(client), "steiger_broker_up") == 0

        own_broker.start()
        eventually(lambda: client.get("/health/ready").status_code == 200, timeout=60)
        assert client.get("/health/live").status_code == 200


def test_metrics_name_what_the_service_did(broker, tmp_path):
    settings = PlanningSettings(var_dir=tmp_path, kafka_bootstrap_servers=broker.bootstrap_servers)
    with TestClient(build_service(planning_parts(settings)), headers=staff()) as client:
        pid = registered(client)
        for title in ("Schulden in beeld", "Werk zoeken"):
            created = client.post(
                f"/participants/{pid}/goals", json={"title": title, "horizon": "short"}
            )
            assert created.status_code == 201
        assert client.get(f"/goals/{uuid.uuid4()}").status_code == 404
        assert client.get("/no/such/path").status_code == 404
        eventually(lambda: client.get("/health").json()["relay"]["position"] >= 2)
        found = samples(client)

    goals = "/participants/{participant_id}/goals"
    assert value(found, "steiger_http_requests_total", method="POST", route=goals,
                 status="201") == 2  # fmt: skip
    assert value(found, "steiger_http_requests_total", method="GET", route="/goals/{goal_id}",
                 status="404") == 1  # fmt: skip
    assert value(found, "steiger_http_requests_total", method="GET", route="unmatched",
                 status="404") == 1  # fmt: skip
    assert not any(str(pid) in str(labels) for _, labels in found)  # no ids in label values
    assert value(found, "steiger_http_request_duration_seconds_count", method="POST",
                 route=goals) == 2  # fmt: skip
    assert value(found, "steiger_event_store_append_duration_seconds_count") >= 3
    store = value(found, "steiger_event_store_position")
    assert store >= 3 and value(found, "steiger_relay_published_position") <= store
    assert value(found, "steiger_relay_lag_events") == store - value(
        found, "steiger_relay_published_position"
    )
    assert value(found, "steiger_relay_ready") == 1 and value(found, "steiger_broker_up") == 1
    assert value(found, "steiger_dead_lettered_records", stage="relay") == 0
    assert value(found, "steiger_dead_lettered_records", stage="consumer") == 0
    consumer_lag = [k for k in found if k[0] == "steiger_consumer_lag_records"]
    assert consumer_lag and all(dict(labels)["topic"] for _, labels in consumer_lag)


def test_notifications_count_how_notifications_ended_and_what_waits(broker, tmp_path):
    settings = NotificationsSettings(
        var_dir=tmp_path, kafka_bootstrap_servers=broker.bootstrap_servers
    )
    with TestClient(build_service(notifications_parts(settings)), headers=staff()) as client:
        app = client.app.state.application
        registered(client, P)
        later = dt.date.today() + dt.timedelta(days=30)
        app.process_event(planned(uuid.uuid4(), due_on=later), Tracking("planning#0", 1))
        waiting = samples(client)
        app.process_event(
            ParticipantErased(participant_id=P, erased_on=dt.date.today()),
            Tracking("participant#0", 1),
        )
        ended = samples(client)
    assert value(waiting, "steiger_notifications_waiting", state="pending") == 2
    assert value(waiting, "steiger_notifications_waiting", state="due") == 0
    assert value(ended, "steiger_notifications_waiting", state="pending") == 0
    assert value(ended, "steiger_notifications_total", outcome="cancelled") == 2
