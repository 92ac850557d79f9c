"""Skills that shape the plan: the weaker functions of a participant's latest
executive-skills profile (bridge's event) suggest supports when a goal is set."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from eventsourcing.persistence import Tracking
from fastapi.testclient import TestClient

from steiger.planning.main import parts
from steiger.planning.settings import Settings
from steiger.shared.contracts.bridge import ExecutiveSkillsProfiled
from steiger.shared.service import build_api

from ..access import staff
from ..registrations import registered

GOAL = {"title": "Schulden in beeld", "horizon": "short", "column": "debts", "target_step": 2}


@pytest.fixture
def client(tmp_path):
    with TestClient(build_api(parts(Settings(var_dir=tmp_path))), headers=staff()) as client:
        yield client


def profiled(client, participant, weaker, day, position):
    event = ExecutiveSkillsProfiled(
        participant_id=participant,
        questionnaire="adult-executive-skills@2026",
        stronger=["flexibility", "metacognition", "stress-tolerance"],
        weaker=weaker,
        assessed_at=dt.datetime(2026, 11, day, 10, tzinfo=dt.UTC),
    )
    client.app.state.application.process_event(event, Tracking("bridge#0", position))


def test_a_new_goal_suggests_the_supports_of_the_weaker_functions(client):
    p = registered(client)
    without = client.post(f"/participants/{p}/goals", json=GOAL).json()
    assert without["suggested_supports"] == []
    profiled(client, p, ["planning", "working-memory", "organisation"], day=20, position=1)
    answer = client.post(f"/participants/{p}/goals", json=GOAL).json()
    codes = [(s["code"], s["for"]) for s in answer["suggested_supports"]]
    assert codes[:3] == [
        ("smaller-steps", "planning"),
        ("extra-reminder", "planning"),
        ("write-it-down", "working-memory"),
    ]
    assert all(s["nl"] and s["en"] for s in answer["suggested_supports"])
    assert client.get(f"/participants/{p}/supports").json() == answer["suggested_supports"]


def test_an_older_profile_arriving_late_does_not_replace_the_latest(client):
    p = registered(client)
    profiled(client, p, ["emotional-control", "flexibility", "metacognition"], day=22, position=1)
    profiled(client, p, ["planning", "working-memory", "organisation"], day=2, position=2)
    first = client.get(f"/participants/{p}/supports").json()[0]
    assert (first["code"], first["for"]) == ("hard-conversations-in-the-morning",
                                             "emotional-control")  # fmt: skip


def test_supports_of_someone_unknown_are_404(client):
    assert client.get(f"/participants/{uuid.uuid4()}/supports").status_code == 404
