"""What a goal, an action, a meeting or a group refers to must exist: a participant planning
heard the participant service register (and not erase), a column and step of the Bridge
named, a reward item of the menu. Otherwise 404, 410 or 422 naming the field; nothing is
stored."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from eventsourcing.persistence import Tracking
from fastapi.testclient import TestClient

from steiger.planning.main import parts
from steiger.planning.settings import Settings
from steiger.shared.contracts.participant import ParticipantErased
from steiger.shared.service import build_api

from ..access import staff
from ..registrations import registered

GOAL = {"title": "Schulden in beeld", "horizon": "short", "column": "debts", "target_step": 2}


@pytest.fixture
def api(tmp_path):
    settings = Settings(var_dir=tmp_path, registration_wait_seconds=0.5)
    with TestClient(build_api(parts(settings)), headers=staff()) as client:
        yield client


def stored(api) -> int:
    return api.app.state.application.recorder.max_notification_id() or 0


def test_a_participant_planning_never_heard_of_has_no_goals_or_meetings(api):
    stranger = uuid.uuid4()
    before = stored(api)
    goal = api.post(f"/participants/{stranger}/goals", json=GOAL)
    meeting = api.post(f"/participants/{stranger}/meetings", json={"at": "2026-12-01T10:00:00Z"})
    assert (goal.status_code, meeting.status_code) == (404, 404)
    assert goal.headers["content-type"] == "application/problem+json"
    assert stored(api) == before


def test_a_registration_on_its_way_is_waited_for(api):
    participant = uuid.uuid4()
    arrives = threading.Timer(0.2, registered, (api, participant))
    arrives.start()
    assert api.post(f"/participants/{participant}/goals", json=GOAL).status_code == 201
    arrives.join()


def test_an_erased_participant_gets_no_new_goals(api):
    participant = registered(api)
    erased = ParticipantErased(participant_id=participant, erased_on=dt.date(2026, 11, 20))
    api.app.state.application.process_event(erased, Tracking("participant#0", 99))
    response = api.post(f"/participants/{participant}/goals", json=GOAL)
    assert response.status_code == 410 and response.json()["title"] == "Participant erased"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"column": "astrology"}, "column"),
        ({"target_step": 9}, "target_step"),
        ({"definition_version": "1999"}, "definition_version"),
        ({"column": None, "target_step": 3}, "target_step"),
    ],
)
def test_a_goal_must_name_a_column_and_step_of_its_bridge(api, change, field):
    participant = registered(api)
    before = stored(api)
    response = api.post(f"/participants/{participant}/goals", json=GOAL | change)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert stored(api) == before


def test_an_action_must_earn_an_item_of_the_menu_and_a_revision_stay_on_the_ladder(api):
    goal = api.post(f"/participants/{registered(api)}/goals", json=GOAL).json()["id"]
    before = stored(api)
    action = {"description": "Goud kopen", "due_on": "2026-12-15", "reward_item": "gold-bar"}
    refused = api.post(f"/goals/{goal}/actions", json=action)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "reward_item"
    revision = api.post(f"/goals/{goal}/revisions", json={"why": "hoger", "target_step": 6})
    assert revision.status_code == 422 and revision.json()["errors"][0]["field"] == "target_step"
    assert stored(api) == before
    action["reward_item"] = "digid-applied"
    assert api.post(f"/goals/{goal}/actions", json=action).status_code == 201


def test_a_group_gathers_registered_participants_around_a_real_column(api):
    bad = api.post("/groups", json={"name": "x", "kind": "affinity", "column": "astrology"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "column"
    group = api.post("/groups", json={"name": "Post", "kind": "affinity", "column": "debts"})
    stranger = api.post(
        f"/groups/{group.json()['id']}/members", json={"participant_id": str(uuid.uuid4())}
    )
    assert stranger.status_code == 404
