"""The participant API: intake, duplicates, erasure; bad input answers 422 naming the field."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from steiger.participant.main import parts
from steiger.participant.settings import Settings
from steiger.shared.service import build_api

from ..access import staff

REGISTRATION = {
    "name": "Fatima de Vries",
    "birth_year": 1988,
    "phone": "+31 6 12345678",
    "email": "fatima@example.nl",
    "address": {
        "street": "Raadhuisplein",
        "house_number": "1",
        "postcode": "2405 BH",
        "city": "Alphen aan den Rijn",
    },
    "bsn": "123456782",
    "language": "nl",
    "municipality": "Alphen aan den Rijn",
    "neighbourhood": "Kerk en Zanen",
    "programme": "debt-help",
    "target_group": "single parents",
    "registered_on": "2026-11-02",
    "household": {"adults": 1, "preschool_children": 1, "school_age_children": 1},
    "external_id": "SUITE-4711",
}


@pytest.fixture
def client(tmp_path):
    with TestClient(build_api(parts(Settings(var_dir=tmp_path))), headers=staff()) as client:
        yield client


def register(client, **change):
    return client.post("/participants", json=REGISTRATION | change)


def test_register_and_read_back_with_the_bsn_masked(client):
    response = register(client)
    assert response.status_code == 201
    participant = client.get(f"/participants/{response.json()['participant_id']}").json()
    assert participant["name"] == "Fatima de Vries"
    assert participant["email"] == "fatima@example.nl"
    assert participant["address"]["postcode"] == "2405 BH"
    assert participant["bsn"] == "******782"
    assert participant["cohort"] == "2026-11"
    assert participant["neighbourhood"] == "Kerk en Zanen"


@pytest.mark.parametrize("on", ["external_id", "bsn"])
def test_a_second_intake_of_the_same_person_is_409_naming_the_first(client, on):
    first = register(client).json()["participant_id"]
    other = {"external_id": "SUITE-9999", "bsn": "111222333"}
    same_on_one_identifier = {k: v for k, v in other.items() if k != on}
    response = register(client, **same_on_one_identifier)
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["existing_participant_id"] == first
    assert response.json()["errors"][0]["field"] == on


def test_a_refused_duplicate_leaves_no_claim_behind(client):
    register(client)
    assert register(client, external_id="SUITE-1").status_code == 409  # same BSN
    # SUITE-1 was not kept by the refused intake: another person may use it
    assert register(client, external_id="SUITE-1", bsn="111222333").status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"birth_year": 1700}, "body.birth_year"),
        ({"household": {"adults": 0}}, "body.household.adults"),
        ({"name": ""}, "body.name"),
        ({"email": "not-an-address"}, "body.email"),
        ({"language": "fr"}, "body.language"),
        ({"address": {**REGISTRATION["address"], "postcode": "12345"}}, "body.address.postcode"),
        ({"bsn": "123456789"}, "bsn"),
    ],
)
def test_bad_registrations_are_422_naming_the_field_and_change_nothing(client, change, field):
    response = register(client, **change)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert register(client).status_code == 201  # the identifiers were not taken


def test_an_unknown_participant_is_404(client):
    assert client.get(f"/participants/{uuid.uuid4()}").status_code == 404
    assert client.delete(f"/participants/{uuid.uuid4()}").status_code == 404


def test_an_erased_participant_is_410_and_their_identifiers_are_free(client):
    participant_id = register(client).json()["participant_id"]
    assert client.delete(f"/participants/{participant_id}").status_code == 204
    gone = client.get(f"/participants/{participant_id}")
    assert gone.status_code == 410
    assert "Fatima" not in gone.text
    assert client.delete(f"/participants/{participant_id}").status_code == 410
    assert register(client).status_code == 201


def test_a_claim_left_by_an_intake_that_never_completed_does_not_block(client):
    app = client.app.state.application
    digest = app.vault.blind_index("external_id", REGISTRATION["external_id"])
    assert (
        app.keys.reserve(uuid.uuid4(), b"key of a crashed intake", {"external_id": digest}) is None
    )
    assert register(client).status_code == 201


def test_a_registration_whose_event_would_not_publish_is_refused_and_not_stored(tmp_path):
    """Past the API's own checks (a caller of the application, an import): the contract
    decides, before anything is stored."""
    import datetime as dt

    from steiger.participant.schemas import RegistrationIn
    from steiger.shared.eventstore import Unpublishable

    service = parts(Settings(var_dir=tmp_path))
    registration = RegistrationIn.model_validate(REGISTRATION)
    intake = {**registration.intake(), "registered_on": dt.date(1, 1, 1)}
    with pytest.raises(Unpublishable) as refused:
        service.application.register(registration.personal_data(), **intake)
    assert refused.value.problem_extensions["errors"][0]["field"] == "cohort"
    assert service.application.recorder.max_notification_id() in (None, 0)
