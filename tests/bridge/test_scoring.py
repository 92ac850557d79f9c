"""The scoring model on the Dutch and the EMPath Bridge: pillar scores, changes, timeline."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from fastapi.testclient import TestClient

from steiger.bridge.definitions import load_definitions
from steiger.bridge.main import parts
from steiger.bridge.settings import Settings
from steiger.shared.service import build_api

from ..access import staff
from ..registrations import registered

DEFINITIONS = load_definitions()


def test_the_empath_bridge_has_five_pillars_over_eight_columns():
    empath = DEFINITIONS[("empath", "2019")]
    assert len(empath.pillars) == 5 and len(empath.columns) == 8
    assert empath.pillar_of("savings") == empath.pillar_of("debts") == "financial-management"
    assert empath.column("earnings").steps[-1].en.startswith("Earns a family-sustaining")


@pytest.fixture
def api(tmp_path):
    with TestClient(build_api(parts(Settings(var_dir=tmp_path))), headers=staff()) as client:
        yield client


def assess(api, participant, steps, day, definition=("empath", "2019")):
    registered(api, participant)
    response = api.post(
        f"/participants/{participant}/assessments",
        json={
            "definition_id": definition[0],
            "definition_version": definition[1],
            "steps": steps,
            "assessed_at": dt.datetime(2026, day, 1, 10, tzinfo=dt.UTC).isoformat(),
        },
    )
    assert response.status_code == 201, response.text


def test_a_step_back_on_one_pillar_beside_steps_forward_on_another(api):
    p = uuid.uuid4()
    assess(api, p, {"debts": 1, "savings": 1, "health": 3, "social-network": 2}, 1)  # intake
    assess(api, p, {"debts": 2, "health": 3}, 4)
    assess(api, p, {"debts": 3, "savings": 2, "health": 2}, 8)  # health falls back
    scores = api.get(f"/participants/{p}/scores").json()
    assert scores["intake"]["pillars"] == {"financial-management": 2, "well-being": 5}
    assert scores["latest"]["pillars"] == {"financial-management": 5, "well-being": 4}
    since_intake = scores["change_since_intake"]
    assert since_intake["pillars"] == {"financial-management": 3, "well-being": -1}
    assert since_intake["columns"]["health"] == -1 and since_intake["total"] == 2
    assert scores["change_since_previous"]["columns"] == {
        "debts": 1,
        "savings": 1,
        "health": -1,
        "social-network": 0,
    }
    assert [t["total"] for t in scores["timeline"]] == [7, 8, 9]  # columns carried forward


def test_scores_per_definition_and_unknowns(api):
    p = uuid.uuid4()
    assert api.get(f"/participants/{p}/scores").status_code == 404
    assess(api, p, {"income": 2, "debts": 1}, 2, ("nl-alphen", "2017-09-07"))
    assess(api, p, {"earnings": 1}, 3)
    dutch = api.get(f"/participants/{p}/scores", params={"definition_id": "nl-alphen"}).json()
    assert dutch["latest"]["pillars"] == {"income": 2, "debts": 1}  # a column is its own pillar
    assert api.get(f"/participants/{p}/scores").json()["definition_id"] == "empath"
    other = api.get(f"/participants/{p}/scores", params={"definition_id": "elderly"})
    assert other.status_code == 404
