"""Parked records seen and sent back through a service's /dead-letters routes, over the
real broker: a consumer's record once its cause is fixed, a relay's stored event published
late; each takes effect once however often it is retried. And the consumer's lag."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import pytest
from aiokafka import AIOKafkaProducer
from fastapi.testclient import TestClient

from steiger.rewards.application import RewardsApplication
from steiger.rewards.main import parts
from steiger.rewards.settings import Settings
from steiger.shared import cloudevents
from steiger.shared.contracts.planning import ActionCompleted
from steiger.shared.service import build_service
from steiger.shared.topics import events_topic

from ..access import staff
from ..registrations import registered
from ..waiting import eventually

pytestmark = pytest.mark.broker
PLANNING = events_topic("planning")
NOW = dt.datetime(2026, 11, 22, 10, tzinfo=dt.UTC)


def completion(settings, participant, sequence, item, late=False):
    event = ActionCompleted(
        participant_id=participant, action_id=uuid.uuid4(), goal_id=uuid.uuid4(),
        column="health", due_on=NOW.date(), completed_at=NOW, on_time=True, reward_item=item,
    )  # fmt: skip
    key = settings.signing_key()
    record = cloudevents.encode(
        event, event_id=str(uuid.uuid4()), source=settings.source_of("planning"), time=NOW,
        sequence=sequence, traceparent=None, signing_key=key,
    )  # fmt: skip
    return cloudevents.made_late(record, key) if late else record


def publish(bootstrap, *records):
    async def send():
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
        await producer.start()
        try:
            for r in records:
                headers = [(n, v.encode()) for n, v in r.headers.items()]
                await producer.send_and_wait(PLANNING, r.value, key=r.key, headers=headers)
        finally:
            await producer.stop()

    asyncio.run(send())


def test_a_parked_record_is_retried_once_its_cause_is_fixed(own_broker, tmp_path, monkeypatch):
    broken = {"gp-check-up": True}
    policy = RewardsApplication.policy

    def fragile(self, event, processing):
        if broken.get(getattr(event, "reward_item", None)):
            raise RuntimeError("the menu service is misconfigured")
        policy(self, event, processing)

    monkeypatch.setattr(RewardsApplication, "policy", fragile)
    settings = Settings(var_dir=tmp_path, kafka_bootstrap_servers=own_broker.bootstrap_servers)
    p = uuid.uuid4()
    with TestClient(build_service(parts(settings)), headers=staff()) as api:
        publish(
            own_broker.bootstrap_servers,
            completion(settings, p, 1, "digid-applied"),
            completion(settings, p, 2, "gp-check-up"),
        )
        parked = eventually(lambda: api.get("/dead-letters").json())
        assert [(x["stage"], x["sequence"], x["retried"]) for x in parked] == [
            ("consumer", 2, False)
        ]
        assert "misconfigured" in parked[0]["reason"]
        at = f"/dead-letters/{parked[0]['partition']}/{parked[0]['offset']}"
        assert api.get(at).json()["value"]["reward_item"] == "gp-check-up"

        still = api.post(f"{at}/retry")
        assert still.status_code == 409 and "misconfigured" in still.json()["detail"]
        broken["gp-check-up"] = False
        assert api.post(f"{at}/retry").json() == {"outcome": "processed"}
        assert api.post(f"{at}/retry").json() == {"outcome": "already processed"}
        assert api.get("/dead-letters").json()[0]["retried"] is True
        assert api.post("/dead-letters/0/999/retry").status_code == 404
        earned = sorted(
            e["item_id"] for e in api.get(f"/participants/{p}/rewards").json()["earned"]
        )
        assert earned == ["digid-applied", "gp-check-up"]

        lag = eventually(lambda: api.get("/health").json()["consumer"]["lag"].get(PLANNING))
        assert set(lag) == {"0", "1"} and all(isinstance(n, int) for n in lag.values())


def test_a_late_event_below_the_partitions_position_takes_effect_once(own_broker, tmp_path):
    settings = Settings(var_dir=tmp_path, kafka_bootstrap_servers=own_broker.bootstrap_servers)
    p = uuid.uuid4()
    late = completion(settings, p, 3, "budget-kept-month", late=True)
    with TestClient(build_service(parts(settings)), headers=staff()) as api:
        publish(own_broker.bootstrap_servers, completion(settings, p, 10, "budget-kept-month"))
        eventually(lambda: len(api.get(f"/participants/{p}/rewards").json()["earned"]) == 1)
        publish(own_broker.bootstrap_servers, late, late)  # a late one, and that one again
        eventually(lambda: len(api.get(f"/participants/{p}/rewards").json()["earned"]) == 2)
        marker = completion(settings, p, 11, "volunteer-day")  # after it: all were consumed
        publish(own_broker.bootstrap_servers, marker)
        eventually(lambda: len(api.get(f"/participants/{p}/rewards").json()["earned"]) == 3)
        forged_late = {**completion(settings, p, 4, "budget-kept-month").headers}
        forged_late[cloudevents.LATE_HEADER] = "true"  # not signed with the mark
        publish(
            own_broker.bootstrap_servers, cloudevents.KafkaRecord(late.key, late.value, forged_late)
        )
        eventually(lambda: api.get("/health").json()["consumer"]["parked"] == 1)
        assert len(api.get(f"/participants/{p}/rewards").json()["earned"]) == 3


def test_a_stored_event_the_relay_parked_is_published_late_once_it_maps(
    own_broker, tmp_path, monkeypatch
):
    from aiokafka import AIOKafkaConsumer

    from steiger.planning.application import PlanningApplication
    from steiger.planning.contracts import to_contract
    from steiger.planning.main import parts as planning_parts
    from steiger.planning.settings import Settings as PlanningSettings

    fixed, calls = {"done": False}, []

    def changed_after_storing(event):  # the check at storing passes; the relay's fails
        if getattr(event, "description", "") == "doomed" and not fixed["done"]:
            calls.append(event)
            if len(calls) > 1:
                raise ValueError("the contract changed")
        return to_contract(event)

    monkeypatch.setattr(PlanningApplication, "translate", staticmethod(changed_after_storing))
    settings = PlanningSettings(
        var_dir=tmp_path, kafka_bootstrap_servers=own_broker.bootstrap_servers
    )
    with TestClient(build_service(planning_parts(settings)), headers=staff()) as api:
        goal = api.post(
            f"/participants/{registered(api)}/goals",
            json={"title": "Doel", "horizon": "short", "column": "debts", "target_step": 2},
        ).json()["id"]
        action = {"description": "doomed", "due_on": "2026-12-15"}
        assert api.post(f"/goals/{goal}/actions", json=action).status_code == 201
        parked = eventually(lambda: api.get("/dead-letters").json())
        assert parked[0]["stage"] == "relay" and "contract changed" in parked[0]["reason"]
        at = f"/dead-letters/{parked[0]['partition']}/{parked[0]['offset']}"
        assert api.post(f"{at}/retry").status_code == 409
        fixed["done"] = True
        assert api.post(f"{at}/retry").json() == {"outcome": "published late"}

    async def late_records():
        consumer = AIOKafkaConsumer(
            events_topic("planning"),
            bootstrap_servers=own_broker.bootstrap_servers,
            auto_offset_reset="earliest",
        )
        await consumer.start()
        try:
            batches = await consumer.getmany(timeout_ms=3000)
        finally:
            await consumer.stop()
        records = [r for batch in batches.values() for r in batch]
        return [r for r in records if cloudevents.LATE_HEADER in dict(r.headers)]

    late = asyncio.run(late_records())
    assert [int(dict(r.headers)["ce_sequence"]) for r in late] == [parked[0]["sequence"]]
