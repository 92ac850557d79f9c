"""The facts behind the outcome indicators (Table 4) at each assessment: asked, or following
from the Bridge steps where the definition says so; published as one event."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from steiger.bridge.contracts import to_contract
from steiger.bridge.domain.definition import BridgeDefinition
from steiger.bridge.domain.errors import InvalidDefinition
from steiger.bridge.domain.record import BridgeRecord
from steiger.bridge.main import parts
from steiger.bridge.settings import Settings
from steiger.shared import reference
from steiger.shared.service import build_api

from ..access import staff
from ..registrations import registered

AT = "2026-11-20T10:00:00+01:00"


@pytest.fixture
def client(tmp_path):
    with TestClient(build_api(parts(Settings(var_dir=tmp_path))), headers=staff()) as client:
        yield client


def assess(client, p, steps, outcomes=None, definition=("nl-alphen", "2017-09-07")):
    registered(client, p)
    body = {"definition_id": definition[0], "definition_version": definition[1],
            "steps": steps, "assessed_at": AT}  # fmt: skip
    if outcomes is not None:
        body["outcomes"] = outcomes
    return client.post(f"/participants/{p}/assessments", json=body)


def test_asked_facts_and_those_the_steps_tell_are_recorded_with_the_assessment(client):
    p = uuid.uuid4()
    asked = {"employed": True, "enrolled_in_education": False, "savings": "150.00",
             "buffer_for_unforeseen": True}  # fmt: skip
    assert assess(client, p, {"debts": 4, "savings": 1}, asked).status_code == 201
    (recorded,) = client.get(f"/participants/{p}/outcomes").json()
    assert recorded["outcomes"] == {
        "enrolled_in_education": False, "employed": True, "changed_job_in_year": None,
        "career_pays_index": None, "within_household_budget": True,
        "buffer_for_unforeseen": True, "home_owner": None, "savings": "150.00",
    }  # fmt: skip
    # debts at step 4 tells the budget; the asked buffer wins over savings at step 1
    assert recorded["derived"] == ["within_household_budget"]
    app = client.app.state.application
    events = app.repository.event_store.get(BridgeRecord.create_id(p))
    published = [c for c in map(to_contract, events) if c is not None]
    outcome = published[-1]
    assert outcome.event_type == "nl.steiger.bridge.outcomes-recorded.v1"
    assert outcome.outcomes.within_household_budget is True
    assert str(outcome.outcomes.savings) == "150.00"


def test_the_empath_bridge_tells_employment_and_a_career_paying_the_index(client):
    p = uuid.uuid4()
    assess(client, p, {"earnings": 5, "savings": 2}, definition=("empath", "2019"))
    (recorded,) = client.get(f"/participants/{p}/outcomes").json()
    facts = {k: v for k, v in recorded["outcomes"].items() if v is not None}
    assert facts == {"employed": True, "career_pays_index": True, "buffer_for_unforeseen": False}


def test_an_assessment_without_facts_to_tell_records_none(client):
    p = uuid.uuid4()
    assess(client, p, {"health": 3})
    assert client.get(f"/participants/{p}/outcomes").json() == []


@pytest.mark.parametrize(
    ("outcomes", "field"),
    [({"employed": "ja"}, "body.outcomes.employed"), ({"savings": "-5"}, "body.outcomes.savings"),
     ({"savings": "1.001"}, "body.outcomes.savings"), ({"pets": True}, "body.outcomes.pets")],
)  # fmt: skip
def test_bad_facts_are_422_naming_the_field_and_record_nothing(client, outcomes, field):
    p = uuid.uuid4()
    answer = assess(client, p, {"debts": 2}, outcomes)
    assert answer.status_code == 422
    assert field in [e["field"] for e in answer.json()["errors"]]
    assert client.get(f"/participants/{p}/outcomes").json() == []
    assert client.get(f"/participants/{p}/positions").status_code == 404


def test_a_definition_deriving_an_unknown_fact_or_step_is_refused():
    data = reference.bridge_definitions()[0]
    for broken in ({"happiness": {"column": "debts", "from_step": 2}},
                   {"employed": {"column": "debts", "from_step": 9}},
                   {"employed": {"column": "moon", "from_step": 1}}):  # fmt: skip
        with pytest.raises(InvalidDefinition):
            BridgeDefinition.from_data(data | {"outcomes": broken})
