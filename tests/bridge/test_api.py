import uuid

import pytest
from fastapi.testclient import TestClient

from steiger.bridge.main import parts
from steiger.bridge.settings import Settings
from steiger.shared.service import build_api

from ..access import staff
from ..registrations import registered


@pytest.fixture
def client(tmp_path):
    with TestClient(build_api(parts(Settings(var_dir=tmp_path))), headers=staff()) as client:
        yield client


def assess(client, participant, steps, at="2026-11-01T10:00:00+01:00"):
    registered(client, participant)
    return client.post(
        f"/participants/{participant}/assessments",
        json={
            "definition_id": "nl-alphen",
            "definition_version": "2017-09-07",
            "steps": steps,
            "assessed_at": at,
        },
    )


def test_positions_name_their_definition_and_the_latest_counts(client):
    participant = uuid.uuid4()
    assert assess(client, participant, {"debts": 1, "income": 2}).status_code == 201
    assert (
        assess(client, participant, {"debts": 3}, at="2026-11-20T10:00:00+01:00").status_code == 201
    )
    positions = client.get(f"/participants/{participant}/positions").json()
    latest = {p["column"]: p for p in positions["latest"]}
    assert latest["debts"]["step"] == 3 and latest["income"]["step"] == 2
    assert latest["debts"]["definition_version"] == "2017-09-07"
    assert positions["total_points"] == 5
    assert len(positions["history"]) == 3


def test_an_unknown_column_is_a_422_naming_the_field_and_records_nothing(client):
    participant = uuid.uuid4()
    response = assess(client, participant, {"debts": 2, "pets": 3})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "column"
    assert client.get(f"/participants/{participant}/positions").status_code == 404


def test_a_step_off_the_ladder_is_a_422(client):
    response = assess(client, uuid.uuid4(), {"debts": 6})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "step"


def test_an_unknown_definition_version_is_a_404(client):
    response = client.post(
        f"/participants/{uuid.uuid4()}/assessments",
        json={
            "definition_id": "nl-alphen",
            "definition_version": "1999",
            "steps": {"debts": 1},
            "assessed_at": "2026-11-01T10:00:00+01:00",
        },
    )
    assert response.status_code == 404


def test_definitions_are_served(client):
    listed = {(d["id"], d["version"]) for d in client.get("/definitions").json()}
    assert {("nl-alphen", "2017-09-07"), ("empath", "2019")} <= listed
    columns = client.get("/definitions/nl-alphen/2017-09-07").json()["columns"]
    assert len(columns) == 8


def test_an_assessment_of_a_participant_bridge_never_heard_of_is_404(client):
    client.app.state.registration_wait = 0.3  # as STEIGER_REGISTRATION_WAIT_SECONDS sets it
    stranger = uuid.uuid4()
    response = client.post(
        f"/participants/{stranger}/assessments",
        json={"definition_id": "nl-alphen", "definition_version": "2017-09-07",
              "steps": {"debts": 2}, "assessed_at": "2026-11-01T10:00:00+01:00"},
    )  # fmt: skip
    assert response.status_code == 404 and response.json()["title"] == "Participant not found"
    assert client.get(f"/participants/{stranger}/positions").status_code == 404
