"""Status over time, mentors, consent, contact preferences and search, over the API."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from steiger.participant.contracts import to_contract
from steiger.participant.domain.errors import InvalidTransition
from steiger.participant.main import parts
from steiger.participant.settings import Settings
from steiger.shared.access import Role
from steiger.shared.contracts.participant import ConsentGranted
from steiger.shared.service import build_api

from ..access import TEAM, bearer, staff
from .test_api import REGISTRATION


@pytest.fixture
def api(tmp_path):
    settings = Settings(var_dir=tmp_path)
    with TestClient(build_api(parts(settings)), headers=staff()) as client:
        yield client


@pytest.fixture
def pid(api):
    return api.post("/participants", json=REGISTRATION).json()["participant_id"]


def test_status_moves_through_pause_resume_and_exit_with_history(api, pid):
    assert (
        api.post(
            f"/participants/{pid}/pause",
            json={"on": "2026-12-01", "reason": "te veel aan het hoofd"},
        ).status_code
        == 204
    )
    assert api.post(f"/participants/{pid}/resume", json={"on": "2027-01-10"}).status_code == 204
    assert (
        api.post(
            f"/participants/{pid}/exit", json={"on": "2027-06-30", "reason": "self-sufficient"}
        ).status_code
        == 204
    )
    history = api.get(f"/participants/{pid}/history").json()
    assert [(h["status"], h["on"]) for h in history] == [
        ("active", "2026-11-02"),
        ("paused", "2026-12-01"),
        ("active", "2027-01-10"),
        ("exited", "2027-06-30"),
    ]


@pytest.mark.parametrize(
    ("steps", "refused"),
    [
        ([], "resume"),  # not paused
        (["pause"], "pause"),  # already paused
        (["exit"], "pause"),
        (["exit"], "exit"),
    ],
)
def test_impossible_status_changes_are_409_with_the_reason(api, pid, steps, refused):
    bodies = {"pause": {}, "resume": {}, "exit": {"reason": "moved"}}
    for step in steps:
        assert api.post(f"/participants/{pid}/{step}", json=bodies[step]).status_code == 204
    response = api.post(f"/participants/{pid}/{refused}", json=bodies[refused])
    assert response.status_code == 409
    assert response.json()["detail"]


def test_an_exit_needs_a_known_reason(api, pid):
    response = api.post(f"/participants/{pid}/exit", json={"reason": "bored"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.reason"


def test_mentors_take_on_and_transfer_participants_with_a_reason(api, pid):
    anna = api.post("/mentors", json={"name": "Anna Mentor", "team": TEAM}).json()["mentor_id"]
    bram = api.post("/mentors", json={"name": "Bram Mentor", "team": TEAM}).json()["mentor_id"]
    assert api.put(f"/participants/{pid}/mentor", json={"mentor_id": anna}).status_code == 204
    caseload = api.get(f"/mentors/{anna}/caseload").json()
    assert [p["name"] for p in caseload["participants"]] == ["Fatima de Vries"]

    no_reason = api.put(f"/participants/{pid}/mentor", json={"mentor_id": bram})
    assert no_reason.status_code == 409 and no_reason.json()["errors"][0]["field"] == "reason"
    moved = api.put(
        f"/participants/{pid}/mentor", json={"mentor_id": bram, "reason": "Anna changes teams"}
    )
    assert moved.status_code == 204
    assert api.get(f"/mentors/{anna}/caseload").json()["participants"] == []
    assert len(api.get(f"/mentors/{bram}/caseload").json()["participants"]) == 1
    unknown = api.put(f"/participants/{pid}/mentor", json={"mentor_id": pid, "reason": "x"})
    assert unknown.status_code == 404  # a participant is not a mentor


def test_a_team_lead_sees_the_team_s_mentors_and_no_other_team(api, pid):
    anna = api.post("/mentors", json={"name": "Anna Mentor", "team": TEAM}).json()["mentor_id"]
    api.post("/mentors", json={"name": "Bram Mentor", "team": TEAM})
    api.post("/mentors", json={"name": "Cees Elders", "team": "team-elders"})
    api.put(f"/participants/{pid}/mentor", json={"mentor_id": anna})
    lead = bearer(Role.TEAM_LEAD, teams=[TEAM])
    team = api.get(f"/teams/{TEAM}/mentors", headers=lead)
    assert team.status_code == 200
    assert [(m["name"], m["participants"]) for m in team.json()["mentors"]] == [
        ("Anna Mentor", 1), ("Bram Mentor", 0),
    ]  # fmt: skip
    assert api.get("/teams/team-elders/mentors", headers=lead).status_code == 403
    rows = api.get(f"/teams/{TEAM}/caseload", headers=lead).json()["participants"]
    assert [(r["name"], r["status"], r["mentor_id"]) for r in rows] == [
        ("Fatima de Vries", "active", anna)
    ]
    api.post(f"/participants/{pid}/pause", json={"reason": "even rust"})
    rows = api.get(f"/teams/{TEAM}/caseload", headers=lead).json()["participants"]
    assert [r["status"] for r in rows] == ["paused"]  # the index follows the change
    assert api.get("/teams/team-elders/caseload", headers=lead).status_code == 403
    mentor = bearer(Role.MENTOR, subject=anna)
    assert api.get(f"/teams/{TEAM}/mentors", headers=mentor).status_code == 403
    assert api.get(f"/teams/{'x' * 101}/mentors", headers=lead).status_code == 422


def test_consent_is_granted_and_withdrawn_per_purpose_and_partner(api, pid):
    grant = {
        "purpose": "partner-sharing",
        "partner": "schuldhulp-rijnstreek",
        "categories": ["bridge", "planning"],
        "text_version": "2026-01",
    }
    assert api.post(f"/participants/{pid}/consents", json=grant).status_code == 204
    research = {"purpose": "research", "text_version": "2026-01"}
    assert api.post(f"/participants/{pid}/consents", json=research).status_code == 204
    assert {c["purpose"] for c in api.get(f"/participants/{pid}/consents").json()} == {
        "partner-sharing",
        "research",
    }
    withdrawn = api.delete(
        f"/participants/{pid}/consents/partner-sharing", params={"partner": "schuldhulp-rijnstreek"}
    )
    assert withdrawn.status_code == 204
    assert [c["purpose"] for c in api.get(f"/participants/{pid}/consents").json()] == ["research"]
    again = api.delete(
        f"/participants/{pid}/consents/partner-sharing", params={"partner": "schuldhulp-rijnstreek"}
    )
    assert again.status_code == 404


@pytest.mark.parametrize(
    ("grant", "field"),
    [
        ({"purpose": "partner-sharing", "categories": ["bridge"]}, "partner"),
        ({"purpose": "partner-sharing", "partner": "ggd"}, "categories"),
        ({"purpose": "research", "partner": "ggd"}, "partner"),
        ({"purpose": "partner-sharing", "partner": "ggd", "categories": ["health"]}, "categories"),
        ({"purpose": "research", "share_history": True}, "share_history"),
        ({"purpose": "research", "client_reference": "SH-1"}, "client_reference"),
    ],
)
def test_inconsistent_consents_are_refused_naming_the_field(api, pid, grant, field):
    response = api.post(f"/participants/{pid}/consents", json=grant | {"text_version": "1"})
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == field
    assert api.get(f"/participants/{pid}/consents").json() == []


@pytest.mark.parametrize(
    ("grant", "field"),
    [
        ({"partner": "Schuldhulp Rijnstreek"}, "body.partner"),
        ({"partner": "ggd", "client_reference": "dossier van Fatima"}, "body.client_reference"),
    ],
)
def test_a_partner_is_named_by_its_key_and_a_client_reference_is_a_code(api, pid, grant, field):
    consent = {"purpose": "partner-sharing", "categories": ["planning"], "text_version": "1"}
    response = api.post(f"/participants/{pid}/consents", json=consent | grant)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_a_partner_consent_carries_its_client_reference_and_whether_it_shares_the_past(api, pid):
    grant = {
        "purpose": "partner-sharing",
        "partner": "ggd",
        "categories": ["planning"],
        "text_version": "2026-01",
        "client_reference": "GGD-2026/0042",
        "share_history": True,
    }
    assert api.post(f"/participants/{pid}/consents", json=grant).status_code == 204
    (consent,) = api.get(f"/participants/{pid}/consents").json()
    assert (consent["client_reference"], consent["share_history"]) == ("GGD-2026/0042", True)
    app = api.app.state.application
    contracts = [
        app.contract_of(app.mapper.to_domain_event(n))
        for n in app.recorder.select_notifications(start=1, limit=1000)
    ]
    (published,) = [c for c in contracts if isinstance(c, ConsentGranted)]
    assert (published.client_reference, published.share_history) == ("GGD-2026/0042", True)


def test_contact_addresses_are_disclosed_one_at_a_time_audited_and_never_when_opted_out(api, pid):
    preferences = {"channels": ["email"], "time_of_day": "morning", "opted_out": ["sms"]}
    assert api.put(f"/participants/{pid}/contact-preferences", json=preferences).status_code == 204
    kept = api.get(f"/participants/{pid}/contact-preferences").json()
    assert (kept["channels"], kept["time_of_day"], kept["opted_out"]) == (
        ["email"], "morning", ["sms"],
    )  # fmt: skip
    assert "address" not in str(kept)  # how and when, never where
    query = {"requested_by": "notifications", "purpose": "reminder:1"}
    email = api.get(f"/participants/{pid}/contact/email", params=query)
    assert email.json() == {"channel": "email", "address": "fatima@example.nl", "language": "nl"}
    refused = api.get(f"/participants/{pid}/contact/sms", params=query)
    assert refused.status_code == 409
    assert api.get(f"/participants/{pid}/contact/email").status_code == 422  # who and why
    app = api.app.state.application
    recorded = [
        n
        for n in app.recorder.select_notifications(start=1, limit=100)
        if n.topic.endswith("ContactDisclosed")
    ]
    assert len(recorded) == 1


def test_search_by_name_fragment_external_id_and_birth_year(api, pid):
    other = REGISTRATION | {
        "name": "Kees Jansen",
        "bsn": None,
        "external_id": "SUITE-2",
        "birth_year": 1975,
    }
    kees = api.post("/participants", json=other).json()["participant_id"]
    assert [
        h["participant_id"] for h in api.get("/participants", params={"name": "jans"}).json()
    ] == [kees]
    assert [
        h["name"] for h in api.get("/participants", params={"external_id": "SUITE-4711"}).json()
    ] == ["Fatima de Vries"]
    assert len(api.get("/participants", params={"birth_year": 1975}).json()) == 1
    assert api.delete(f"/participants/{kees}").status_code == 204
    assert api.get("/participants", params={"name": "jans"}).json() == []
    assert api.get("/participants", params={"name": "j"}).status_code == 422


def test_the_search_index_is_rebuilt_from_the_store_after_a_restart(tmp_path):
    settings = Settings(var_dir=tmp_path)
    with TestClient(build_api(parts(settings)), headers=staff()) as api:
        api.post("/participants", json=REGISTRATION)
    with TestClient(build_api(parts(settings)), headers=staff()) as api:
        hits = api.get("/participants", params={"name": "fatima"}).json()
        assert [h["name"] for h in hits] == ["Fatima de Vries"]


def test_journey_events_are_published_without_free_text():
    import uuid

    from steiger.participant.domain.participant import Participant

    p = Participant(
        uuid.uuid4(),
        "c2VhbGVk",
        "debt-help",
        "Zaanstad",
        None,
        None,
        "nl",
        1,
        0,
        0,
        dt.date(2026, 11, 2),
    )
    p.pause(dt.date(2026, 12, 1), "private reason in the mentor's words")
    with pytest.raises(InvalidTransition):
        p.pause(dt.date(2026, 12, 2), None)
    contracts = [to_contract(e) for e in p.collect_events()]
    assert "private reason" not in contracts[1].model_dump_json()
    assert contracts[1].status == "paused"
