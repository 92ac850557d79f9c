"""Chain partners through the notifications service's API and its webhook workers, with real
local HTTP receivers: consent decides, partners see pseudonyms of their own, deliveries are
signed, in order, retried, parked and resent. (Over the real broker: tests/integration.)"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import json
import uuid

import pytest
from fastapi.testclient import TestClient
from standardwebhooks import Webhook

from steiger.notifications.main import parts
from steiger.notifications.partner_delivery import PartnerDelivery
from steiger.notifications.settings import Settings
from steiger.shared.access import Role
from steiger.shared.contracts.bridge import PositionRecorded
from steiger.shared.contracts.participant import (
    ConsentGranted,
    ConsentWithdrawn,
    Household,
    ParticipantErased,
    ParticipantRegistered,
)
from steiger.shared.contracts.planning import GoalSet
from steiger.shared.service import build_api

from ..access import mentor, session_issuer, staff
from .fakes import Clock, FakeDetails, Feeder
from .servers import http_server

NOW = dt.datetime(2026, 12, 7, 9, tzinfo=dt.UTC)
OIN = "00000001234567890000"
PLANNING = "nl.steiger.planning.*"


def partner_headers(client_id: str) -> dict[str, str]:
    token = session_issuer().mint(client_id, [Role.PARTNER], client=client_id)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def service(tmp_path):
    service_parts = parts(Settings(var_dir=tmp_path))
    app = service_parts.application
    app.details = FakeDetails()
    clock = Clock(NOW)
    sharing = service_parts.state["partner_sharing"]
    told: list[str] = []
    counted: collections.Counter[tuple[str, str]] = collections.Counter()
    delivery = PartnerDelivery(
        sharing,
        app.partner_index,
        lambda partner, since: told.append(partner.key),
        clock=clock,
        timeout=2.0,
        recheck_seconds=0.0,
        counted=lambda partner, how, n: counted.update({(partner, how): n}),
    )
    with TestClient(build_api(service_parts), headers=staff()) as client:
        service = Service(client, app, Feeder(app), delivery, clock, told)
        service.counted = counted
        yield service


class Service:
    def __init__(self, client, app, feed, delivery, clock, told) -> None:
        self.client, self.app, self.feed = client, app, feed
        self.delivery, self.clock, self.told = delivery, clock, told

    def register(self, key: str, endpoint: str | None = None, types=("nl.steiger.planning.*",)):
        answer = self.client.post(
            "/partners",
            json={
                "key": key,
                "name": key.title(),
                "oin": OIN,
                "contact_email": f"beheer@{key}.example",
                "client_id": f"partner-{key}",
            },
        )
        assert answer.status_code == 201, answer.text
        subscribed = self.client.post(
            f"/partners/{key}/subscriptions",
            json={"types": list(types), "endpoint": endpoint},
        )
        assert subscribed.status_code == 201, subscribed.text
        return answer.json()["secret"], subscribed.json()["subscription_id"]

    def participant(self, municipality: str = "Alphen aan den Rijn") -> uuid.UUID:
        pid = uuid.uuid4()
        self.feed(
            ParticipantRegistered(
                participant_id=pid,
                programme="debt-help",
                cohort="2026-01",
                municipality=municipality,
                household=Household(adults=1),
                registered_at=NOW,
            )
        )
        return pid

    def consent(self, pid, partner, categories=("planning",), **more) -> None:
        self.feed(
            ConsentGranted(
                participant_id=pid,
                purpose="partner-sharing",
                partner=partner,
                categories=list(categories),
                text_version="2026-01",
                granted_on=NOW.date(),
                **more,
            )
        )

    def withdraw(self, pid, partner) -> None:
        self.feed(
            ConsentWithdrawn(
                participant_id=pid,
                purpose="partner-sharing",
                partner=partner,
                withdrawn_on=NOW.date(),
            )
        )

    def goal(self, pid, column: str = "debts") -> uuid.UUID:
        goal_id = uuid.uuid4()
        self.feed(
            GoalSet(participant_id=pid, goal_id=goal_id, horizon="short", column=column, set_at=NOW)
        )
        return goal_id

    def pull(self, key: str, **params) -> dict:
        answer = self.client.get(
            f"/partners/{key}/events", params=params, headers=partner_headers(f"partner-{key}")
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    def deliver(self) -> None:
        asyncio.run(self.delivery.deliver_ready())


def test_only_consenting_participants_in_consented_categories_reach_the_partner(service):
    service.register("schuldhulp")
    consenting, other = service.participant(), service.participant()
    service.consent(consenting, "schuldhulp", categories=["planning"])
    goal = service.goal(consenting)
    service.goal(other)
    service.feed(
        PositionRecorded(
            participant_id=consenting,
            assessment_id=uuid.uuid4(),
            definition_id="bridge-nl",
            definition_version="1",
            column="debts",
            step=2,
            points=10,
            assessed_at=NOW,
        )
    )

    events = service.pull("schuldhulp")["events"]

    assert [e["type"] for e in events] == ["nl.steiger.planning.goal-set.v1"]
    event = events[0]
    assert event["specversion"] == "1.0" and event["source"].startswith("urn:nld:oin:")
    assert event["subject"] != str(consenting) and str(consenting) not in json.dumps(event)
    assert event["data"]["goal_id"] != str(goal) and str(goal) not in json.dumps(event)
    assert event["data"] == {
        "goal_id": event["data"]["goal_id"],
        "horizon": "short",
        "column": "debts",
        "set_at": "2026-12-07T09:00:00Z",
    }
    assert event["municipality"] == "Alphen aan den Rijn" and event["programme"] == "debt-help"


def test_two_partners_see_different_pseudonyms_and_their_own_client_reference(service):
    service.register("schuldhulp")
    service.register("ggd")
    pid = service.participant()
    service.consent(pid, "schuldhulp", client_reference="SH-2026-0042")
    service.consent(pid, "ggd")
    service.goal(pid)

    (first,) = service.pull("schuldhulp")["events"]
    (second,) = service.pull("ggd")["events"]

    assert first["subject"] != second["subject"]
    assert first["data"]["goal_id"] != second["data"]["goal_id"]
    assert first["id"] != second["id"]
    assert first["clientreference"] == "SH-2026-0042" and "clientreference" not in second


def test_a_consent_sends_the_past_only_when_it_says_so(service):
    service.register("schuldhulp")
    service.register("ggd")
    pid = service.participant()
    service.goal(pid)
    service.consent(pid, "schuldhulp")
    service.consent(pid, "ggd", share_history=True)
    service.goal(pid)

    assert len(service.pull("schuldhulp")["events"]) == 1
    assert len(service.pull("ggd")["events"]) == 2


def test_withdrawal_and_erasure_stop_what_was_not_delivered(service):
    with http_server() as receiver:
        service.register("schuldhulp", endpoint=receiver.url + "/hook")
        withdrawing, erased = service.participant(), service.participant()
        for pid in (withdrawing, erased):
            service.consent(pid, "schuldhulp")
            service.goal(pid)
        service.withdraw(withdrawing, "schuldhulp")
        service.feed(ParticipantErased(participant_id=erased, erased_on=NOW.date()))
        service.goal(withdrawing)
        service.goal(erased)
        service.deliver()

        assert receiver.requests == []
        assert service.pull("schuldhulp")["events"] == []


def test_webhooks_are_signed_cloud_events_in_order_and_match_the_feed(service):
    with http_server() as receiver:
        secret, _ = service.register("schuldhulp", endpoint=receiver.url + "/hook")
        pid = service.participant()
        service.consent(pid, "schuldhulp")
        goals = [service.goal(pid, column) for column in ("debts", "income", "housing")]
        service.deliver()

        assert len(receiver.requests) == len(goals)
        for request in receiver.requests:
            assert request.headers["content-type"].startswith("application/cloudevents+json")
            Webhook(secret).verify(request.body, request.headers)  # raises if not signed
        received = [r.json() for r in receiver.requests]
        assert [e["data"]["column"] for e in received] == ["debts", "income", "housing"]
        assert received == service.pull("schuldhulp")["events"]

        service.deliver()  # nothing is sent twice
        assert len(receiver.requests) == len(goals)


def test_a_receiver_answering_500_three_times_gets_the_event_once_it_answers(service):
    with http_server() as receiver:
        service.register("schuldhulp", endpoint=receiver.url + "/hook")
        pid = service.participant()
        service.consent(pid, "schuldhulp")
        receiver.statuses = [500, 500, 500]
        service.goal(pid, "debts")
        service.goal(pid, "income")
        for _ in range(4):
            service.deliver()
            service.clock.advance(minutes=15)

        assert [r.json()["data"]["column"] for r in receiver.requests] == ["debts", "income"]
        log = service.client.get("/partners/schuldhulp/deliveries").json()
        assert [a["outcome"] for a in log] == ["failed"] * 3 + ["delivered"] * 2
        assert [a["status"] for a in log] == [500, 500, 500, 200, 200]
        assert service.counted == {("schuldhulp", "failed"): 3, ("schuldhulp", "accepted"): 2}


def test_a_receiver_down_for_a_day_gets_everything_in_order_and_the_contact_is_told(service):
    with http_server() as receiver:
        service.register("schuldhulp", endpoint=receiver.url + "/hook")
        pid = service.participant()
        service.consent(pid, "schuldhulp")
        receiver.statuses = [503] * 1000
        columns = ["debts", "income", "housing", "health"]
        for column in columns:
            service.goal(pid, column)
        for _ in range(24 * 4):  # a day, looked at every quarter of an hour
            service.deliver()
            service.clock.advance(minutes=15)
            asyncio.run(service.delivery.alert_contacts())
        assert receiver.requests == [] and service.told == ["schuldhulp"]
        operations = service.client.get("/partners/schuldhulp/operations").json()
        assert operations["undelivered"] == 4 and operations["failing"] == 1

        receiver.statuses = []
        service.clock.advance(hours=4)
        service.deliver()

        assert [r.json()["data"]["column"] for r in receiver.requests] == columns
        assert service.client.get("/partners/schuldhulp/operations").json()["undelivered"] == 0


def test_after_three_days_a_delivery_is_parked_and_can_be_resent(service):
    with http_server() as receiver:
        service.register("schuldhulp", endpoint=receiver.url + "/hook")
        pid = service.participant()
        service.consent(pid, "schuldhulp")
        receiver.statuses = [500] * 1000
        service.goal(pid, "debts")
        for _ in range(4 * 19):  # three days and a bit, every four hours
            service.deliver()
            service.clock.advance(hours=1)
        operations = service.client.get("/partners/schuldhulp/operations").json()
        assert operations["parked"] == 1 and operations["undelivered"] == 0

        receiver.statuses = []
        resent = service.client.post("/partners/schuldhulp/parked/resend")

        assert resent.status_code == 200 and [r["status"] for r in resent.json()] == [200]
        assert [r.json()["data"]["column"] for r in receiver.requests] == ["debts"]
        assert service.client.get("/partners/schuldhulp/operations").json()["parked"] == 0


def test_a_410_from_the_receiver_ends_the_subscription(service):
    with http_server() as receiver:
        _, subscription_id = service.register("schuldhulp", endpoint=receiver.url + "/hook")
        pid = service.participant()
        service.consent(pid, "schuldhulp")
        receiver.statuses = [410]
        service.goal(pid)
        service.deliver()
        service.goal(pid)
        service.deliver()

        (subscription,) = service.client.get("/partners/schuldhulp/subscriptions").json()
        assert subscription["subscription_id"] == subscription_id
        assert "410" in subscription["ended"] and receiver.requests == []


def test_a_partner_reads_only_its_own_feed_with_its_own_cursors(service):
    service.register("schuldhulp")
    service.register("ggd")
    pid = service.participant()
    service.consent(pid, "schuldhulp")
    service.goal(pid)
    cursor = service.pull("schuldhulp")["cursor"]

    other_feed = service.client.get(
        "/partners/schuldhulp/events", headers=partner_headers("partner-ggd")
    )
    other_cursor = service.client.get(
        "/partners/ggd/events", params={"after": cursor}, headers=partner_headers("partner-ggd")
    )
    garbage = service.client.get(
        "/partners/ggd/events", params={"after": "12x"}, headers=partner_headers("partner-ggd")
    )

    assert other_feed.status_code == 403
    assert other_cursor.status_code == 403
    assert garbage.status_code == 422 and garbage.json()["errors"][0]["field"] == "after"
    assert service.pull("schuldhulp", after=cursor)["events"] == []


@pytest.mark.parametrize(
    ("subscription", "field"),
    [
        ({"types": ["nl.steiger.planning.goal-sett.v1"]}, "types.0"),
        ({"types": ["nl.steiger.secrets.*"]}, "types.0"),
        ({"types": []}, "types"),
        ({"types": ["nl.steiger.planning.*"], "filters": {"postcode": ["2406"]}}, "filters"),
        (
            {"types": ["nl.steiger.planning.*"], "endpoint": "http://partner.example/hook"},
            "endpoint",
        ),
        (
            {"types": ["nl.steiger.planning.*"], "endpoint": "https://u:p@partner.example/"},
            "endpoint",
        ),
    ],
)
def test_a_bad_subscription_is_refused_naming_the_field(service, subscription, field):
    service.register("schuldhulp")
    answer = service.client.post("/partners/schuldhulp/subscriptions", json=subscription)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert any(e["field"].removeprefix("body.").startswith(field) for e in answer.json()["errors"])
    assert len(service.client.get("/partners/schuldhulp/subscriptions").json()) == 1


def test_filters_narrow_a_subscription_to_a_municipality(service):
    service.register("schuldhulp")
    service.client.put(
        "/partners/schuldhulp/subscriptions/"
        + service.client.get("/partners/schuldhulp/subscriptions").json()[0]["subscription_id"],
        json={"types": ["nl.steiger.planning.*"], "filters": {"municipality": ["Leiden"]}},
    )
    alphen, leiden = service.participant(), service.participant("Leiden")
    for pid in (alphen, leiden):
        service.consent(pid, "schuldhulp")
        service.goal(pid)

    assert [e["municipality"] for e in service.pull("schuldhulp")["events"]] == ["Leiden"]


@pytest.mark.parametrize("cursor", ["²", "1.é", "9" * 40, "-1.x", "."])
def test_a_cursor_that_is_not_one_is_refused_not_a_crash(service, cursor):
    service.register("schuldhulp")
    answer = service.client.get(
        "/partners/schuldhulp/events",
        params={"after": cursor},
        headers=partner_headers("partner-schuldhulp"),
    )
    assert answer.status_code in (403, 422), answer.text


def test_a_mentor_sees_the_partners_a_consent_can_name_and_nothing_more(service):
    service.register("schuldhulp")
    service.register("ggd")
    service.client.delete("/partners/ggd")
    listed = service.client.get("/partner-directory", headers=mentor(uuid.uuid4()))
    assert listed.status_code == 200, listed.text
    assert listed.json() == [{"key": "schuldhulp", "name": "Schuldhulp"}]
    refused = service.client.get("/partners", headers=mentor(uuid.uuid4()))
    assert refused.status_code == 403
    assert (
        service.client.get("/partner-directory", headers=partner_headers("partner-ggd")).status_code
        == 403
    )
