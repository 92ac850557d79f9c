"""The calendar feed read back by a calendar library, behind an address only the
participant has; and the operator's view over HTTP."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from steiger.notifications.main import parts
from steiger.notifications.settings import Settings
from steiger.shared.contracts.participant import (
    ParticipantErased,
    ProcessingRestricted,
    RestrictionLifted,
)
from steiger.shared.contracts.planning import ActionCompleted, MeetingScheduled
from steiger.shared.service import build_api

from ..access import staff
from ..registrations import registered
from .fakes import FakeDetails, Feeder
from .test_scheduling import GOAL, P, planned

AMS = ZoneInfo("Europe/Amsterdam")
MEETING_AT = dt.datetime(2026, 12, 9, 14, tzinfo=AMS)


@pytest.fixture
def service(tmp_path):
    service_parts = parts(Settings(var_dir=tmp_path))
    app = service_parts.application
    app.details = FakeDetails()
    with TestClient(build_api(service_parts), headers=staff()) as client:
        yield client, app, Feeder(app)


def with_agenda(app, feed):
    action, other, meeting = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    app.details.goals[GOAL] = {
        "actions": [
            {"action_id": str(action), "description": "Bel de schuldhulp"},
            {"action_id": str(other), "description": "Brief van CAK openen"},
        ]
    }
    app.details.meetings[meeting] = {"place": "Wijkcentrum De Bron"}
    feed(planned(action), planned(other, due_on=dt.date(2026, 12, 4)))
    feed(MeetingScheduled(participant_id=P, meeting_id=meeting, at=MEETING_AT))
    registered(app, P)
    return action, other, meeting


def test_the_feed_shows_open_actions_and_meetings_and_parses_back(service):
    client, app, feed = service
    action, other, meeting = with_agenda(app, feed)
    response = client.post(f"/participants/{P}/calendar-feed")
    assert response.status_code == 201
    url = response.json()["url"]
    assert url.startswith("http://127.0.0.1:8005/calendar/") and url.endswith(".ics")
    ics = client.get(url.removeprefix("http://127.0.0.1:8005"))
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")

    events = Calendar.from_ical(ics.content).walk("VEVENT")
    assert [(str(e["summary"]), e.decoded("dtstart")) for e in events] == [
        ("Brief van CAK openen", dt.date(2026, 12, 4)),
        ("Bel de schuldhulp", dt.date(2026, 12, 10)),
        ("Afspraak met je mentor", MEETING_AT),
    ]
    assert str(events[2]["location"]) == "Wijkcentrum De Bron"
    assert str(events[0]["uid"]) == f"{other}@steiger"

    feed(
        ActionCompleted(
            participant_id=P,
            action_id=other,
            goal_id=GOAL,
            column="debts",
            due_on=dt.date(2026, 12, 4),
            completed_at=dt.datetime(2026, 12, 3, tzinfo=dt.UTC),
            on_time=True,
        )
    )
    ics = client.get(url.removeprefix("http://127.0.0.1:8005"))
    assert len(Calendar.from_ical(ics.content).walk("VEVENT")) == 2


def test_a_renewed_feed_ends_the_old_address_and_forged_ones_never_work(service):
    client, app, feed = service
    with_agenda(app, feed)
    old = client.post(f"/participants/{P}/calendar-feed").json()["token"]
    new = client.post(f"/participants/{P}/calendar-feed").json()["token"]
    assert client.get(f"/calendar/{new}.ics").status_code == 200
    gone = client.get(f"/calendar/{old}.ics")
    assert gone.status_code == 404
    assert gone.headers["content-type"] == "application/problem+json"
    forged = new[:-4] + ("AAAA" if not new.endswith("AAAA") else "BBBB")
    assert client.get(f"/calendar/{forged}.ics").status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    other = client.post(f"/participants/{registered(app)}/calendar-feed").json()["token"]
    assert other[:32] != new[:32]


@pytest.mark.parametrize(
    "token", ["a" * 5000, "f" * 40 + "." + "x" * 43, "é" * 50, "0" * 32 + "ffff" * 30 + ".abc"]
)
def test_a_malformed_or_huge_token_is_no_feed(service, token):
    response = service[0].get(f"/calendar/{token}.ics")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_an_erased_participant_has_no_feed(service):
    client, app, feed = service
    with_agenda(app, feed)
    token = client.post(f"/participants/{P}/calendar-feed").json()["token"]
    feed(ParticipantErased(participant_id=P, erased_on=dt.date(2026, 12, 1)))
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    assert client.post(f"/participants/{P}/calendar-feed").status_code == 410
    never = client.post(f"/participants/{uuid.uuid4()}/calendar-feed")
    assert never.status_code == 404 and never.json()["title"] == "Participant not found"
    assert client.post(f"/participants/{P}/calendar-feed").status_code == 410


def test_a_restricted_participant_s_feed_pauses_until_the_restriction_is_lifted(service):
    client, app, feed = service
    with_agenda(app, feed)
    token = client.post(f"/participants/{P}/calendar-feed").json()["token"]
    feed(ProcessingRestricted(participant_id=P, restricted_on=dt.date(2026, 12, 1)))
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    feed(RestrictionLifted(participant_id=P, lifted_on=dt.date(2026, 12, 2)))
    assert client.get(f"/calendar/{token}.ics").status_code == 200


def test_operator_view_and_queue_over_http(service):
    client, app, feed = service
    with_agenda(app, feed)
    view = client.get(f"/participants/{P}/notifications").json()
    kinds = sorted(n["kind"] for n in view["pending"])
    assert kinds == ["action-reminder"] * 4 + ["meeting-reminder"] * 2
    assert client.get("/notifications/queue").json()["pending"] == 6
    assert client.get("/participants/not-a-uuid/notifications").status_code == 422
