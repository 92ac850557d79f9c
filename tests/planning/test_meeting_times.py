"""Hard conversations in the morning: a meeting marked difficult is offered in the morning
first and flagged when planned later in the day; any meeting is offered at the participant's
preferred time of day first and flagged when planned against it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from eventsourcing.persistence import Tracking
from fastapi.testclient import TestClient

from steiger.planning.domain.meeting_times import suggested_slots, timing_flags
from steiger.planning.main import parts
from steiger.planning.settings import Settings
from steiger.shared.contracts.participant import ContactPreferencesChanged
from steiger.shared.service import build_api

from ..access import staff
from ..registrations import registered

AMS = ZoneInfo("Europe/Amsterdam")
MONDAY = dt.date(2026, 12, 14)


def test_a_difficult_conversation_goes_against_anything_but_the_morning():
    morning = dt.datetime(2026, 12, 14, 9, 30, tzinfo=AMS)
    afternoon = dt.datetime(2026, 12, 14, 14, tzinfo=AMS)
    assert timing_flags(morning, True, None, AMS) == []
    assert timing_flags(afternoon, True, None, AMS) == ["difficult-conversation-not-in-the-morning"]
    assert timing_flags(afternoon, False, None, AMS) == []
    assert timing_flags(afternoon, False, "evening", AMS) == ["against-preferred-time-of-day"]
    # the same moment in UTC is judged by the organisation's clock
    assert timing_flags(morning.astimezone(dt.UTC), True, "morning", AMS) == []


def test_slots_put_what_suits_first_on_working_days_around_planned_meetings():
    taken = [dt.datetime(2026, 12, 14, 10, tzinfo=AMS)]
    slots = suggested_slots(MONDAY, 7, True, "evening", taken, AMS)
    assert {s.at.weekday() for s in slots} <= {0, 1, 2, 3, 4}  # no weekend
    assert all(abs(s.at - taken[0]) >= dt.timedelta(hours=1) for s in slots)
    first = slots[0]
    assert (first.part_of_day, first.flags) == ("morning", ("against-preferred-time-of-day",))
    assert first.at == dt.datetime(2026, 12, 14, 9, tzinfo=AMS)
    parts = [s.part_of_day for s in slots]
    # mornings (difficult), then evenings (preferred), then afternoons (against both)
    assert parts == sorted(parts, key=["morning", "evening", "afternoon"].index)
    plain = suggested_slots(MONDAY, 1, False, "afternoon", [], AMS)
    assert plain[0].part_of_day == "afternoon" and plain[0].flags == ()


@pytest.fixture
def client(tmp_path):
    with TestClient(build_api(parts(Settings(var_dir=tmp_path))), headers=staff()) as client:
        yield client


def prefers(client, participant, time_of_day):
    event = ContactPreferencesChanged(
        participant_id=participant, channels=["sms"], time_of_day=time_of_day
    )
    client.app.state.application.process_event(event, Tracking("participant#0", 1))


def test_scheduling_offers_and_flags_over_the_api(client):
    p = registered(client)
    prefers(client, p, "afternoon")
    question = {"difficult": True, "from_day": "2027-12-11"}  # a Saturday
    offered = client.get(f"/participants/{p}/meeting-slots", params=question).json()
    assert offered["preferred_time_of_day"] == "afternoon" and offered["difficult"] is True
    first = offered["slots"][0]
    assert first["at"] == "2027-12-13T09:00:00+01:00"  # Monday morning: the weekend skipped
    assert first["flags"] == ["against-preferred-time-of-day"]

    hard = {"at": "2027-12-13T15:00:00+01:00", "difficult": True}
    created = client.post(f"/participants/{p}/meetings", json=hard)
    assert created.status_code == 201  # flagged, never refused
    assert created.json()["timing_flags"] == ["difficult-conversation-not-in-the-morning"]
    meeting = client.get(f"/meetings/{created.json()['id']}").json()
    assert meeting["difficult"] is True
    assert meeting["timing_flags"] == ["difficult-conversation-not-in-the-morning"]
    evening = client.post(f"/participants/{p}/meetings", json={"at": "2027-12-14T19:00:00+01:00"})
    assert evening.json()["timing_flags"] == ["against-preferred-time-of-day"]

    again = client.get(f"/participants/{p}/meeting-slots", params=question).json()
    assert "2027-12-13T15:00:00+01:00" not in [s["at"] for s in again["slots"]]  # taken
    assert "2027-12-13T16:00:00+01:00" in [s["at"] for s in again["slots"]]  # after it: free
    past = client.get(f"/participants/{p}/meeting-slots", params={"from_day": "2026-01-05"})
    assert dt.date.fromisoformat(past.json()["slots"][0]["at"][:10]) > dt.date.today()


@pytest.mark.parametrize(
    ("params", "field"),
    [({"days": 0}, "query.days"), ({"days": 29}, "query.days"),
     ({"from_day": "gisteren"}, "query.from_day"), ({"difficult": "soms"}, "query.difficult")],
)  # fmt: skip
def test_bad_slot_questions_are_422_naming_the_parameter(client, params, field):
    p = registered(client)
    answer = client.get(f"/participants/{p}/meeting-slots", params=params)
    assert answer.status_code == 422
    assert field in [e["field"] for e in answer.json()["errors"]]
    body = {"at": "2027-01-04T09:00:00+01:00", "difficult": "yes please"}
    meeting = client.post(f"/participants/{p}/meetings", json=body)
    assert meeting.status_code == 422
