"""Restriction of processing (GDPR art. 18): the privacy officer freezes a participant's file
in the participant service; every service hears of it and then refuses every change about
the participant (409 with the reason), serves them to the privacy officer only (403 for
anyone else, audited; in the other services the privacy officer reads it through the
subject access export), and leaves them out of its periodic work, on a controlled clock:
no missed actions marked, no anniversaries awarded, no reminders sent. Lifting it restores
everything."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

import pytest
from eventsourcing.persistence import Tracking
from fastapi.testclient import TestClient

from steiger.participant.domain.participant import Participant
from steiger.participant.main import parts as participant_parts
from steiger.participant.settings import Settings as ParticipantSettings
from steiger.planning.main import parts as planning_parts
from steiger.planning.settings import Settings as PlanningSettings
from steiger.rewards.application import RewardsApplication
from steiger.rewards.menus import load_menu
from steiger.shared.access import Role
from steiger.shared.contracts.participant import ProcessingRestricted, RestrictionLifted
from steiger.shared.service import build_api

from ..access import assigned, bearer, mentor, staff
from ..participant.test_api import REGISTRATION, register
from ..registrations import registered

PRIVACY_OFFICER = bearer(Role.PRIVACY_OFFICER, subject="fg")
_positions = itertools.count(1)


def follow(app, event) -> None:
    """The participant service's event, as a service's consumer records it."""
    app = getattr(getattr(getattr(app, "app", None), "state", None), "application", app)
    app.process_event(event, Tracking("restrictions#0", next(_positions)))


def restricted(participant_id: uuid.UUID, on=dt.date(2026, 11, 20)) -> ProcessingRestricted:
    return ProcessingRestricted(participant_id=participant_id, restricted_on=on)


def lifted(participant_id: uuid.UUID, on=dt.date(2026, 11, 27)) -> RestrictionLifted:
    return RestrictionLifted(participant_id=participant_id, lifted_on=on)


@pytest.fixture
def participants(tmp_path):
    built = participant_parts(ParticipantSettings(var_dir=tmp_path))
    with TestClient(build_api(built), headers=staff()) as client:
        yield client, built.application


def test_the_privacy_officer_freezes_and_unfreezes_a_file_in_the_participant_service(
    participants,
):
    client, app = participants
    mentor_id = uuid.uuid4()
    created = client.post("/mentors", json={"name": "Mentor", "mentor_id": str(mentor_id)})
    assert created.status_code == 201
    as_mentor = mentor(mentor_id)
    # a mentor who registers a participant takes them on
    pid = client.post("/participants", json=REGISTRATION, headers=as_mentor).json()[
        "participant_id"
    ]

    by_mentor = client.post(
        f"/participants/{pid}/restriction", json={"reason": "juistheid betwist"}, headers=as_mentor
    )
    assert by_mentor.status_code == 403  # the privacy officer's decision
    frozen = client.post(
        f"/participants/{pid}/restriction",
        json={"reason": "juistheid betwist"},
        headers=PRIVACY_OFFICER,
    )
    assert frozen.status_code == 204, frozen.text
    again = client.post(
        f"/participants/{pid}/restriction", json={"reason": "nog eens"}, headers=PRIVACY_OFFICER
    )
    assert again.status_code == 409

    assert client.get(f"/participants/{pid}", headers=as_mentor).status_code == 403
    assert client.get(f"/participants/{pid}", headers=PRIVACY_OFFICER).status_code == 200
    for body_path, body in (("pause", {}), ("household", {"household": {"adults": 2},
                                                           "change": "moved-in"})):  # fmt: skip
        refused = client.post(f"/participants/{pid}/{body_path}", json=body, headers=as_mentor)
        assert refused.status_code == 409, refused.text
        assert "restricted" in refused.json()["detail"]
    refused = client.patch(
        f"/participants/{pid}/personal-data",
        json={"name": "Ander", "reason": "x"},
        headers=PRIVACY_OFFICER,
    )
    assert refused.status_code == 409
    assert client.get(f"/participants/{pid}/history", headers=as_mentor).status_code == 403

    lift = client.delete(f"/participants/{pid}/restriction", headers=PRIVACY_OFFICER)
    assert lift.status_code == 204
    assert client.get(f"/participants/{pid}", headers=as_mentor).status_code == 200
    assert client.post(f"/participants/{pid}/pause", json={}, headers=as_mentor).status_code == 204

    events = list(app.repository.event_store.get(uuid.UUID(pid)))
    contracts = [app.contract_of(e) for e in events if isinstance(
        e, Participant.Restricted | Participant.RestrictionLifted)]  # fmt: skip
    assert [c.event_type for c in contracts] == [
        "nl.steiger.participant.processing-restricted.v1",
        "nl.steiger.participant.restriction-lifted.v1",
    ]
    held = client.get(f"/participants/{pid}/export", headers=PRIVACY_OFFICER).json()
    (restriction,) = held["participant"]["restrictions"]
    assert restriction["reason"] == "juistheid betwist" and restriction["until"] is not None

    trail = client.get("/audit", params={"participant": pid}, headers=PRIVACY_OFFICER).json()
    refusals = [e for e in trail["entries"] if e["outcome"] == "Forbidden"]
    assert refusals, "a refused read of a restricted file is in the audit trail"


def test_a_restricted_file_can_still_be_erased(participants):
    client, _ = participants
    pid = register(client).json()["participant_id"]
    client.post(f"/participants/{pid}/restriction", json={"reason": "x"}, headers=PRIVACY_OFFICER)
    assert client.delete(f"/participants/{pid}", headers=PRIVACY_OFFICER).status_code == 204


def test_another_service_freezes_the_file_when_it_hears_of_it(tmp_path):
    built = planning_parts(PlanningSettings(var_dir=tmp_path))
    with TestClient(build_api(built), headers=staff()) as client:
        app, mentor_id = built.application, uuid.uuid4()
        pid = registered(client)
        assigned(client, pid, mentor_id)
        as_mentor = mentor(mentor_id)
        goal = client.post(
            f"/participants/{pid}/goals",
            json={"title": "Schulden in beeld", "horizon": "short", "column": "debts"},
            headers=as_mentor,
        ).json()["id"]
        action = {"description": "Brief sturen", "due_on": "2026-12-01"}
        planned = client.post(f"/goals/{goal}/actions", json=action, headers=as_mentor)
        assert planned.status_code == 201

        follow(client, restricted(pid))
        follow(client, restricted(pid))  # redelivered: the same
        refused = client.post(f"/goals/{goal}/actions", json=action, headers=as_mentor)
        assert refused.status_code == 409 and "restricted" in refused.json()["detail"]
        unread = client.get(f"/goals/{goal}", headers=as_mentor)
        assert unread.status_code == 403 and "privacy officer" in unread.json()["detail"]
        # nothing processed on a clock past the due date
        assert app.detect_missed_actions(dt.date(2026, 12, 5)) == 0

        follow(client, lifted(pid))
        assert client.get(f"/goals/{goal}", headers=as_mentor).status_code == 200
        assert app.detect_missed_actions(dt.date(2026, 12, 5)) == 1


def test_no_anniversary_is_awarded_while_the_file_is_frozen():
    app = RewardsApplication(menu=load_menu())
    pid = registered(app)
    follow(app, restricted(pid))
    years_later = dt.date(2031, 1, 6)
    assert app.award_anniversaries(years_later) == 0
    follow(app, lifted(pid))
    assert app.award_anniversaries(years_later) > 0
