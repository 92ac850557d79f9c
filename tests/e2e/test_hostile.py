"""The whole system as an attacker and a careless user would try it: requests that must be
refused without stopping anything, and records that must not silence a partition."""

from __future__ import annotations

import asyncio

import pytest
from aiokafka import AIOKafkaProducer
from typer.testing import CliRunner

from steiger.cli.main import app
from steiger.shared.kafka import partition_for
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


def test_a_forged_record_with_a_huge_sequence_silences_no_partition(system, e2e):
    """Issue 23: a ParticipantRegistered written straight to partition 0 with sequence 10^15
    and a made-up source made every consumer drop the real events after it."""
    client = e2e.client(system)
    topic = events_topic("participant")
    while partition_for(client.register("Voor", {"adults": 1}).encode(), system.partitions):
        pass  # until one is on partition 0, to copy its record
    genuine = e2e.wait_until(
        lambda: next((r for r in topic_records(system, topic) if r.partition == 0), None)
    )
    forged = [
        (name, str(10**15).zfill(20).encode() if name == "ce_sequence" else value)
        for name, value in genuine.headers
        if name != "ce_source"
    ] + [("ce_source", b"urn:nld:oin:99999999999999999999:systeem:steiger-participant")]
    asyncio.run(produce(system.bootstrap_servers, topic, genuine.value, genuine.key, forged))

    later = [client.register(f"Na de vervalsing {n}", {"adults": 1}) for n in range(6)]
    on_partition_0 = [p for p in later if partition_for(p.encode(), system.partitions) == 0]
    assert on_partition_0, "some of them share the forged record's partition"
    for pid in later:  # bridge took each household from its registration: it got through
        e2e.wait_until(lambda pid=pid: household_known(client, pid), timeout=30)
    for consumer in ("bridge", "rewards", "notifications", "reporting"):
        health = e2e.wait_until(
            lambda c=consumer: (h := client.get(c, "/health").json())["consumer"]["parked"] and h
        )
        assert "signature" in health["consumer"]["last_parked"]["reason"]
    client.close()

    env = {
        "STEIGER_BRIDGE_PORT": str(system.services["bridge"].port),
        "COLUMNS": "200",
        "STEIGER_TOKEN": system.token("operator"),
    }
    listed = CliRunner().invoke(app, ["dead-letters", "list", "bridge"], env=env)
    assert listed.exit_code == 0 and "signature does not match" in listed.output, listed.output
    position = next(line.split("│")[2].strip() for line in listed.output.splitlines()
                    if "signature does not match" in line)  # fmt: skip
    retried = CliRunner().invoke(app, ["dead-letters", "retry", "bridge", position], env=env)
    assert retried.exit_code == 1 and "can never be processed" in retried.output


def household_known(client, pid: str) -> bool:
    response = client.get("bridge", f"/participants/{pid}/jobs")
    return response.status_code == 200


async def produce(bootstrap: str, topic: str, value: bytes, key: bytes, headers) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key, headers=headers, partition=0)
    finally:
        await producer.stop()
