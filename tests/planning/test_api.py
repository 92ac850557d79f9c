import datetime as dt
import uuid

import pytest
import time_machine
from fastapi.testclient import TestClient

from steiger.planning.main import parts
from steiger.planning.settings import Settings
from steiger.shared.service import build_api

from ..access import staff
from ..registrations import registered


@pytest.fixture
def client(tmp_path):
    with TestClient(build_api(parts(Settings(var_dir=tmp_path))), headers=staff()) as client:
        yield client


def new_goal(client) -> str:
    response = client.post(
        f"/participants/{registered(client)}/goals",
        json={
            "title": "Schulden in beeld",
            "horizon": "short",
            "column": "debts",
            "target_step": 2,
        },
    )
    assert response.status_code == 201
    return response.json()["id"]


def new_action(client, goal_id) -> str:
    response = client.post(
        f"/goals/{goal_id}/actions", json={"description": "DigiD aanvragen", "due_on": "2026-12-01"}
    )
    assert response.status_code == 201
    return response.json()["id"]


def test_goal_action_and_completion(client):
    goal_id = new_goal(client)
    action_id = new_action(client, goal_id)
    done = client.post(
        f"/goals/{goal_id}/actions/{action_id}/completion",
        json={"completed_at": "2026-11-20T10:00:00+01:00"},
    )
    assert done.status_code == 204
    goal = client.get(f"/goals/{goal_id}").json()
    assert goal["actions"][0]["status"] == "completed"


def test_completing_a_completed_action_is_a_409_with_the_reason(client):
    goal_id = new_goal(client)
    action_id = new_action(client, goal_id)
    body = {"completed_at": "2026-11-20T10:00:00+01:00"}
    client.post(f"/goals/{goal_id}/actions/{action_id}/completion", json=body)
    again = client.post(f"/goals/{goal_id}/actions/{action_id}/completion", json=body)
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert "completed" in again.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"description": "", "due_on": "2026-12-01"}, "body.description"),
        ({"description": "x", "due_on": "morgen"}, "body.due_on"),
        ({"description": "x", "due_on": "2026-12-01", "owner": "boss"}, "body.owner"),
        ({"description": "x", "due_on": "2026-12-01", "extra": 1}, "body.extra"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_changes_nothing(client, body, field):
    goal_id = new_goal(client)
    response = client.post(f"/goals/{goal_id}/actions", json=body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert client.get(f"/goals/{goal_id}").json()["actions"] == []


def test_a_naive_completion_time_is_refused(client):
    goal_id = new_goal(client)
    action_id = new_action(client, goal_id)
    response = client.post(
        f"/goals/{goal_id}/actions/{action_id}/completion",
        json={"completed_at": "2026-11-20T10:00:00"},
    )
    assert response.status_code == 422


def test_unknown_ids_are_404_and_malformed_ids_422(client):
    assert client.get(f"/goals/{uuid.uuid4()}").status_code == 404
    assert client.get("/goals/not-a-uuid").status_code == 422


def test_a_participants_goals_are_listed_and_a_participant_is_not_a_goal(client):
    participant = registered(client)
    body = {"title": "Werk vinden", "horizon": "long", "column": "income", "target_step": 4}
    first = client.post(f"/participants/{participant}/goals", json=body).json()["id"]
    second = client.post(f"/participants/{participant}/goals", json=body | {"title": "CV"}).json()
    goals = client.get(f"/participants/{participant}/goals").json()
    assert [g["goal_id"] for g in goals] == [first, second["id"]]
    assert client.get(f"/participants/{uuid.uuid4()}/goals").json() == []
    assert client.get(f"/goals/{participant}").status_code == 404


@pytest.mark.parametrize(
    ("zone", "day"), [("Europe/Amsterdam", "2026-11-23"), ("UTC", "2026-11-22")]
)
def test_an_achievement_without_a_date_is_today_where_the_organisation_is(
    tmp_path, monkeypatch, zone, day
):
    """At 23:30 UTC it is already the next day in the Netherlands: a server clock on UTC
    must not date the achievement a day early (STEIGER_TIMEZONE says where we are)."""
    monkeypatch.setenv("STEIGER_TIMEZONE", zone)
    late_evening_utc = dt.datetime(2026, 11, 22, 23, 30, tzinfo=dt.UTC)
    with (
        time_machine.travel(late_evening_utc, tick=False),
        TestClient(build_api(parts(Settings(var_dir=tmp_path))), headers=staff()) as client,
    ):
        goal_id = new_goal(client)
        assert client.post(f"/goals/{goal_id}/achievement", json={}).status_code == 204
        assert client.get(f"/goals/{goal_id}").json()["closed_on"] == day
