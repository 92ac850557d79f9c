"""Goals set from the priorities the participant chose from the Bridge (bridge's event)."""

from __future__ import annotations

import datetime as dt

import pytest
from eventsourcing.persistence import Tracking
from fastapi.testclient import TestClient

from steiger.planning.main import parts
from steiger.planning.settings import Settings
from steiger.shared.contracts.bridge import PrioritiesChosen, Priority
from steiger.shared.service import build_api

from ..access import staff
from ..registrations import registered


@pytest.fixture
def client(tmp_path):
    with TestClient(build_api(parts(Settings(var_dir=tmp_path))), headers=staff()) as client:
        yield client


def chosen(client, participant, columns, day, position):
    event = PrioritiesChosen(
        participant_id=participant,
        definition_id="nl-alphen",
        definition_version="2017-09-07",
        priorities=[
            Priority(rank=i + 1, column=c, target_step=t) for i, (c, t) in enumerate(columns)
        ],
        chosen_at=dt.datetime(2026, 11, day, 10, tzinfo=dt.UTC),
    )
    client.app.state.application.process_event(event, Tracking("bridge#0", position))


def test_a_goal_set_from_a_priority_takes_its_column_and_target(client):
    p = registered(client)
    chosen(client, p, [("income", 4), ("debts", 3)], day=20, position=1)
    body = {"title": "Meer inkomen", "horizon": "long", "priority": 1}
    goal = client.post(f"/participants/{p}/goals", json=body)
    assert goal.status_code == 201
    view = client.get(f"/goals/{goal.json()['id']}").json()
    assert (view["column"], view["target_step"]) == ("income", 4)
    priorities = client.get(f"/participants/{p}/priorities").json()
    assert [(x["rank"], x["column"], x["goal_ids"]) for x in priorities] == [
        (1, "income", [goal.json()["id"]]),
        (2, "debts", []),
    ]
    chosen(client, p, [("health", 2)], day=2, position=2)  # older, arriving late: ignored
    assert client.get(f"/participants/{p}/priorities").json()[0]["column"] == "income"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"priority": 3}, "priority"),  # not chosen
        ({"priority": 1, "column": "debts"}, "column"),  # not what the priority says
        ({"priority": 1, "target_step": 2}, "target_step"),
        ({"priority": 0}, "body.priority"),
    ],
)
def test_a_goal_from_a_priority_not_chosen_is_422_and_sets_nothing(client, body, field):
    p = registered(client)
    chosen(client, p, [("income", 4)], day=20, position=1)
    answer = client.post(
        f"/participants/{p}/goals", json={"title": "Doel", "horizon": "short"} | body
    )
    assert answer.status_code == 422
    assert field in [e["field"] for e in answer.json()["errors"]]
    assert client.get(f"/participants/{p}/goals").json() == []
