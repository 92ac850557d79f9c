import uuid

import pytest
from fastapi.testclient import TestClient

from steiger.participant.contracts import to_contract
from steiger.participant.domain.participant import Participant
from steiger.participant.main import parts
from steiger.participant.settings import Settings
from steiger.shared.service import build_api

REGISTRATION = {
    "name": "Fatima de Vries",
    "birth_year": 1988,
    "municipality": "Zaanstad",
    "programme": "debt-help",
    "registered_on": "2026-11-02",
    "household": {"adults": 1, "preschool_children": 1, "school_age_children": 1},
}


@pytest.fixture
def client(tmp_path):
    with TestClient(build_api(parts(Settings(var_dir=tmp_path)))) as client:
        yield client


def test_register_and_read_back(client):
    response = client.post("/participants", json=REGISTRATION)
    assert response.status_code == 201
    participant = client.get(f"/participants/{response.json()['participant_id']}").json()
    assert participant["name"] == "Fatima de Vries"
    assert participant["cohort"] == "2026-11"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"birth_year": 1700}, "body.birth_year"),
        ({"household": {"adults": 0}}, "body.household.adults"),
        ({"name": ""}, "body.name"),
    ],
)
def test_bad_registrations_are_422_naming_the_field(client, change, field):
    response = client.post("/participants", json=REGISTRATION | change)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_an_unknown_participant_is_404(client):
    assert client.get(f"/participants/{uuid.uuid4()}").status_code == 404


def test_the_public_event_carries_no_personal_data():
    import datetime as dt

    participant = Participant(
        "Fatima de Vries", 1988, "Zaanstad", "debt-help", 1, 1, 1, dt.date(2026, 11, 2), "EXT-1"
    )
    contract = to_contract(participant.collect_events()[0])
    wire = contract.model_dump_json()
    assert "Fatima" not in wire and "1988" not in wire and "EXT-1" not in wire
    assert contract.participant_id == participant.id
