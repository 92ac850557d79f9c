"""Finding goals: potential goals per column from the latest assessment, the participant's
choice in their order as an event; bad choices are 422 naming the field, nothing stored."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from steiger.bridge.contracts import to_contract
from steiger.bridge.domain.record import BridgeRecord
from steiger.bridge.main import parts
from steiger.bridge.settings import Settings
from steiger.shared.service import build_api

from ..access import staff
from ..registrations import registered
from .test_api import assess

AT = "2026-11-20T10:00:00+01:00"


@pytest.fixture
def client(tmp_path):
    with TestClient(build_api(parts(Settings(var_dir=tmp_path))), headers=staff()) as client:
        yield client


def test_potential_goals_are_the_next_steps_lowest_first_and_none_at_the_top(client):
    p = uuid.uuid4()
    assess(client, p, {"debts": 1, "income": 3, "housing": 5, "health": 1})
    found = client.get(f"/participants/{p}/potential-goals").json()
    assert (found["definition_id"], found["priorities"]) == ("nl-alphen", [])
    goals = [(g["column"], g["step"], g["target_step"]) for g in found["potential_goals"]]
    # housing stands at its top step; the lowest steps first, then the Bridge's own order
    assert goals == [("health", 1, 2), ("debts", 1, 2), ("income", 3, 4)]
    debts = found["potential_goals"][1]
    assert debts["target"]["nl"] and debts["target"]["en"] and debts["points_gained"] > 0


def test_the_participant_orders_their_choice_and_it_is_published(client):
    p = uuid.uuid4()
    assess(client, p, {"debts": 1, "income": 3, "health": 2})
    choice = {"priorities": [{"column": "income"}, {"column": "debts", "target_step": 3}],
              "chosen_at": AT}  # fmt: skip
    ranked = client.put(f"/participants/{p}/priorities", json=choice)
    assert ranked.status_code == 200
    assert ranked.json() == [
        {"rank": 1, "column": "income", "target_step": 4},
        {"rank": 2, "column": "debts", "target_step": 3},
    ]
    assert client.get(f"/participants/{p}/potential-goals").json()["priorities"] == ranked.json()
    app = client.app.state.application
    events = app.repository.event_store.get(BridgeRecord.create_id(p))
    published = [c for c in map(to_contract, events) if c is not None]
    assert published[-1].event_type == "nl.steiger.bridge.priorities-chosen.v1"
    assert [p.column for p in published[-1].priorities] == ["income", "debts"]


@pytest.mark.parametrize(
    ("priorities", "field"),
    [
        ([{"column": "moonshots"}], "priorities.0.column"),
        ([{"column": "debts"}, {"column": "debts"}], "priorities.1.column"),
        ([{"column": "debts", "target_step": 1}], "priorities.0.target_step"),  # not above now
        ([{"column": "debts", "target_step": 9}], "priorities.0.target_step"),  # off the Bridge
        ([], "body.priorities"),
        ([{"column": "debts", "why": "x"}], "body.priorities.0.why"),
    ],
)
def test_a_bad_choice_is_422_naming_the_field_and_stores_nothing(client, priorities, field):
    p = uuid.uuid4()
    assess(client, p, {"debts": 2})
    answer = client.put(
        f"/participants/{p}/priorities", json={"priorities": priorities, "chosen_at": AT}
    )
    assert answer.status_code == 422
    assert field in [e["field"] for e in answer.json()["errors"]]
    assert client.get(f"/participants/{p}/potential-goals").json()["priorities"] == []


def test_without_an_assessment_there_is_nothing_to_find(client):
    p = registered(client)
    assert client.get(f"/participants/{p}/potential-goals").status_code == 404
    choice = {"priorities": [{"column": "debts"}], "chosen_at": AT}
    assert client.put(f"/participants/{p}/priorities", json=choice).status_code == 404
