"""Rectification (GDPR art. 16) and household changes: corrected as at intake, refused with the
field at fault, history kept (and shown in the subject access export), a corrected BSN
claimed and the old one released; a household change is published for the bridge service,
whose Economic Independence Index then uses the new household."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from eventsourcing.persistence import Tracking
from fastapi.testclient import TestClient

from steiger.bridge.application import BridgeApplication
from steiger.participant.domain.participant import Participant
from steiger.participant.main import parts
from steiger.participant.settings import Settings
from steiger.shared.service import build_api

from ..access import staff
from .test_api import REGISTRATION, register


@pytest.fixture
def service(tmp_path):
    built = parts(Settings(var_dir=tmp_path))
    with TestClient(build_api(built), headers=staff()) as client:
        yield client, built.application


def test_a_correction_replaces_the_fields_given_and_keeps_the_history(service):
    client, _ = service
    pid = register(client).json()["participant_id"]
    corrected = client.patch(
        f"/participants/{pid}/personal-data",
        json={
            "name": "Fatima de Vries-Bakker",
            "email": "fatima.bakker@example.nl",
            "phone": None,
            "reason": "getrouwd; nieuw e-mailadres",
        },
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["changed"] == ["email", "name", "phone"]
    now = client.get(f"/participants/{pid}").json()
    assert (now["name"], now["email"], now["phone"]) == (
        "Fatima de Vries-Bakker",
        "fatima.bakker@example.nl",
        None,
    )
    assert now["address"]["postcode"] == "2405 BH"  # left out: left as it was
    found = client.get("/participants", params={"name": "Bakker"}).json()
    assert [f["participant_id"] for f in found] == [pid]

    held = client.get(f"/participants/{pid}/export").json()["participant"]
    (rectification,) = held["rectifications"]
    assert rectification["reason"] == "getrouwd; nieuw e-mailadres"
    assert rectification["previously"] == {
        "email": "fatima@example.nl",
        "name": "Fatima de Vries",
        "phone": "+31 6 12345678",
    }
    again = client.patch(
        f"/participants/{pid}/personal-data",
        json={"name": "Fatima de Vries-Bakker", "reason": "dubbel verstuurd"},
    )
    assert again.json()["changed"] == []  # nothing changed: nothing recorded
    held = client.get(f"/participants/{pid}/export").json()["participant"]
    assert len(held["rectifications"]) == 1


def test_a_corrected_bsn_is_claimed_and_the_old_one_released(service):
    client, _ = service
    first = register(client).json()["participant_id"]
    second = register(client, bsn="111222333", external_id="SUITE-4712").json()["participant_id"]

    taken = client.patch(
        f"/participants/{second}/personal-data", json={"bsn": "123456782", "reason": "typfout"}
    )
    assert taken.status_code == 409
    assert taken.json()["existing_participant_id"] == first
    assert taken.json()["errors"][0]["field"] == "bsn"

    moved = client.patch(
        f"/participants/{first}/personal-data",
        json={"bsn": "999999990", "reason": "verkeerd overgenomen bij de intake"},
    )
    assert moved.status_code == 200, moved.text
    assert client.get(f"/participants/{first}").json()["bsn"] == "******990"
    # the old number is free again, the new one is taken
    assert register(client, external_id="SUITE-4713").status_code == 201
    assert register(client, bsn="999999990", external_id="SUITE-4714").status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"bsn": "123456789", "reason": "x"}, "bsn"),  # fails the eleven-test
        ({"email": "geen-adres", "reason": "x"}, "email"),
        ({"name": None, "reason": "x"}, "name"),
        ({"birth_year": 2999, "reason": "x"}, "birth_year"),
        ({"name": "Fatima"}, "reason"),
        (
            {
                "address": {"street": "Dorp", "house_number": "1", "postcode": "1", "city": "A"},
                "reason": "x",
            },
            "postcode",
        ),
    ],  # fmt: skip
)
def test_an_invalid_correction_names_the_field_and_changes_nothing(service, body, field):
    client, _ = service
    pid = register(client).json()["participant_id"]
    refused = client.patch(f"/participants/{pid}/personal-data", json=body)
    assert refused.status_code == 422, refused.text
    assert any(e["field"].endswith(field) for e in refused.json()["errors"]), refused.json()
    assert client.get(f"/participants/{pid}").json()["name"] == REGISTRATION["name"]
    assert client.get(f"/participants/{pid}/export").json()["participant"]["rectifications"] == []


def test_nothing_to_correct_is_refused(service):
    client, _ = service
    pid = register(client).json()["participant_id"]
    refused = client.patch(f"/participants/{pid}/personal-data", json={"reason": "niets"})
    assert refused.status_code == 422


def test_an_erased_participant_cannot_be_corrected(service):
    client, _ = service
    pid = register(client).json()["participant_id"]
    assert client.delete(f"/participants/{pid}").status_code == 204
    gone = client.patch(
        f"/participants/{pid}/personal-data", json={"name": "Iemand", "reason": "x"}
    )
    assert gone.status_code == 410
    moved = client.post(
        f"/participants/{pid}/household", json={"household": {"adults": 2}, "change": "moved-in"}
    )
    assert moved.status_code == 410


def test_a_household_change_is_published_and_the_index_follows_it(service, tmp_path):
    client, app = service
    pid = register(client, household={"adults": 1}).json()["participant_id"]
    birth = client.post(
        f"/participants/{pid}/household",
        json={"household": {"adults": 1, "preschool_children": 1}, "change": "birth",
              "on": "2026-11-20"},
    )  # fmt: skip
    assert birth.status_code == 204, birth.text
    same = client.post(
        f"/participants/{pid}/household",
        json={"household": {"adults": 1, "preschool_children": 1}, "change": "birth"},
    )
    assert same.status_code == 204

    events = list(app.repository.event_store.get(uuid.UUID(pid)))
    changes = [e for e in events if isinstance(e, Participant.HouseholdChanged)]
    assert len(changes) == 1  # the same household again recorded nothing
    contract = app.contract_of(changes[0])
    assert contract.event_type == "nl.steiger.participant.household-changed.v1"
    assert contract.household.preschool_children == 1 and contract.change == "birth"
    assert contract.changed_on == dt.date(2026, 11, 20)

    bridge = BridgeApplication()
    registered = app.contract_of(next(e for e in events if isinstance(e, Participant.Registered)))
    bridge.process_event(registered, Tracking("participant#0", 1))
    bridge.process_event(contract, Tracking("participant#0", 2))
    assert bridge.record_for(uuid.UUID(pid)).household == (1, 1, 0)

    export = client.get(f"/participants/{pid}/export").json()["participant"]
    assert export["household"] == {"adults": 1, "preschool_children": 1, "school_age_children": 0}
    assert [c["change"] for c in export["household_changes"]] == ["birth"]
