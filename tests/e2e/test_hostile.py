"""The whole system as an attacker and a careless user would try it: requests that must be
refused without stopping anything, and records that must not silence a partition."""

from __future__ import annotations

import pytest

from steiger.shared.topics import events_topic

from .test_faults import topic_records

pytestmark = pytest.mark.e2e


def published_subjects(system, producer: str) -> set[str]:
    return {r.key.decode() for r in topic_records(system, events_topic(producer))}


def test_an_intake_dated_year_one_is_refused_and_the_service_still_publishes(system, e2e):
    client = e2e.client(system)
    body = {
        "name": "Jan Oud",
        "birth_year": 1980,
        "municipality": "Leiden",
        "programme": "debt-help",
        "household": {"adults": 1},
        "registered_on": "0001-01-01",
    }
    refused = client.http.post(f"{system.url('participant')}/participants", json=body)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "body.registered_on"
    row = "name,birth_year,municipality,programme,adults,registered_on\nJan,1980,L,p,1,0001-01-01"
    report = client.http.post(
        f"{system.url('participant')}/participants/import",
        content=row.encode(),
        headers={"content-type": "text/csv"},
    ).json()
    assert report["created"] == 0 and "registered_on" in report["rejected"][0]["reason"]

    pid = client.register("Jan Nu", {"adults": 1})
    e2e.wait_until(lambda: pid in published_subjects(system, "participant"))
    health = client.get("participant", "/health").json()
    assert health["status"] == "ready" and health["relay"]["parked"] == 0
    client.close()
