"""Retention on a controlled clock: a file is erased automatically when its programme's period
after exit has ended, not a day before; one still active, or restricted, is not; the dry run
lists without erasing; each erasure names who asked (a privacy officer, or the rule)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from fastapi.testclient import TestClient

from steiger.participant.domain.participant import Participant
from steiger.participant.domain.retention import RetentionPolicy
from steiger.participant.main import parts
from steiger.participant.settings import Settings
from steiger.shared.access import Role
from steiger.shared.service import build_api

from ..access import bearer, staff
from .test_api import REGISTRATION

PRIVACY_OFFICER = bearer(Role.PRIVACY_OFFICER, subject="fg")


@pytest.fixture
def service(tmp_path):
    settings = Settings(var_dir=tmp_path, retention_years={"debt-help": 7, "work-first": 2})
    built = parts(settings)
    with TestClient(build_api(built), headers=staff()) as client:
        yield client, built.application


def enrolled(client, programme: str, exited_on: str | None, n: int) -> str:
    body = REGISTRATION | {"programme": programme, "bsn": None, "external_id": f"R-{n}"}
    pid = client.post("/participants", json=body).json()["participant_id"]
    if exited_on:
        exit_ = client.post(
            f"/participants/{pid}/exit", json={"on": exited_on, "reason": "self-sufficient"}
        )
        assert exit_.status_code == 204, exit_.text
    return pid


def test_files_are_erased_when_their_programme_s_period_after_exit_ends(service):
    client, app = service
    debt = enrolled(client, "debt-help", "2026-03-01", 1)
    work = enrolled(client, "work-first", "2026-03-01", 2)
    active = enrolled(client, "debt-help", None, 3)

    assert app.retention_due(dt.date(2028, 2, 29)) == []
    (due,) = app.retention_due(dt.date(2028, 3, 1))
    assert (str(due["participant_id"]), due["erase_on"]) == (work, dt.date(2028, 3, 1))
    assert client.get(f"/participants/{work}").status_code == 200  # a dry run erases nobody

    assert [str(d["participant_id"]) for d in app.apply_retention(dt.date(2028, 3, 1))] == [work]
    assert client.get(f"/participants/{work}").status_code == 410
    assert app.apply_retention(dt.date(2028, 3, 1)) == []  # once

    erased = app.apply_retention(dt.date(2033, 3, 1))
    assert [str(d["participant_id"]) for d in erased] == [debt]
    assert client.get(f"/participants/{active}").status_code == 200
    events = list(app.repository.event_store.get(uuid.UUID(debt)))
    (erasure,) = [e for e in events if isinstance(e, Participant.Erased)]
    stored = app.recorder.select_events(uuid.UUID(debt), gt=erasure.originator_version - 1)
    assert app.mapper.actor_of(stored[0])["subject"] == "retention-rule"


def test_a_restricted_file_is_held_and_listed_as_held(service):
    client, app = service
    pid = enrolled(client, "work-first", "2026-03-01", 1)
    client.post(
        f"/participants/{pid}/restriction", json={"reason": "claim"}, headers=PRIVACY_OFFICER
    )
    (due,) = app.retention_due(dt.date(2030, 1, 1))
    assert due["held"] == "restricted"
    assert app.apply_retention(dt.date(2030, 1, 1)) == []
    assert client.get(f"/participants/{pid}", headers=PRIVACY_OFFICER).status_code == 200


def test_the_privacy_officer_lists_and_runs_it_over_the_api(service):
    client, app = service
    pid = enrolled(client, "work-first", "2020-01-06", 1)  # long past its two years
    listed = client.get("/operations/retention", headers=PRIVACY_OFFICER)
    assert listed.status_code == 200 and [d["participant_id"] for d in listed.json()] == [pid]
    assert client.get("/operations/retention", headers=bearer(Role.MENTOR)).status_code == 403
    run = client.post("/operations/retention", headers=PRIVACY_OFFICER)
    assert [d["participant_id"] for d in run.json()] == [pid]
    assert client.get(f"/participants/{pid}").status_code == 410
    events = app.recorder.select_events(uuid.UUID(pid))
    assert app.mapper.actor_of(events[-1])["subject"] == "fg"


@pytest.mark.parametrize("years", [{"*": 0}, {"debt-help": 101}])
def test_a_retention_period_is_between_one_and_a_hundred_years(years):
    with pytest.raises(ValueError, match="retention period"):
        RetentionPolicy(years)


def test_a_leap_day_exit_is_kept_until_the_28th_of_february():
    policy = RetentionPolicy({"*": 7})
    assert policy.erase_on("debt-help", dt.date(2028, 2, 29)) == dt.date(2035, 2, 28)
