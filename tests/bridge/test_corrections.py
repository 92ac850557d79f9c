"""Who recorded an assessment, notes per column, and corrections as events of their own."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from eventsourcing.persistence import Tracking
from fastapi.testclient import TestClient

from steiger.bridge.contracts import to_contract
from steiger.bridge.main import parts
from steiger.bridge.settings import Settings
from steiger.reporting.application import ReportingApplication
from steiger.shared.service import build_api

from ..access import staff
from ..registrations import registered

AT = "2026-11-02T10:00:00+01:00"


@pytest.fixture
def api(tmp_path):
    with TestClient(build_api(parts(Settings(var_dir=tmp_path))), headers=staff()) as client:
        yield client


def assess(api, participant, **extra):
    body = {
        "definition_id": "nl-alphen",
        "definition_version": "2017-09-07",
        "steps": {"debts": 2, "income": 1},
        "assessed_at": AT,
    } | extra
    registered(api, participant)
    return api.post(f"/participants/{participant}/assessments", json=body)


def test_a_mistaken_position_is_corrected_by_its_own_event(api):
    p = uuid.uuid4()
    aid = assess(api, p, recorded_by="mentor", notes={"debts": "bewindvoering loopt"}).json()[
        "assessment_id"
    ]
    corrected = api.post(
        f"/participants/{p}/assessments/{aid}/corrections",
        json={"column": "debts", "step": 3, "reason": "verkeerd aangeklikt"},
    )
    assert corrected.status_code == 204
    positions = {x["column"]: x for x in api.get(f"/participants/{p}/positions").json()["latest"]}
    assert (positions["debts"]["step"], positions["debts"]["correction"]) == (
        3,
        "verkeerd aangeklikt",
    )
    assert positions["debts"]["note"] == "bewindvoering loopt"
    assert positions["debts"]["recorded_by"] == "mentor"
    assert api.get(f"/participants/{p}/scores").json()["latest"]["total"] == 4

    app = api.app.state.application
    stored = [app.mapper.decode(n)[0] for n in app.recorder.select_notifications(1, 100)]
    public = [to_contract(e) for e in stored if type(e).__name__ == "PositionCorrected"]
    assert [(c.column, c.step) for c in public] == [("debts", 3)]
    assert "verkeerd" not in public[0].model_dump_json()  # the reason stays here


@pytest.mark.parametrize(
    ("correction", "status", "field"),
    [
        ({"column": "debts", "step": 2, "reason": "x"}, 422, "step"),  # the same step
        ({"column": "health", "step": 2, "reason": "x"}, 422, "column"),  # not assessed
        ({"column": "debts", "step": 9, "reason": "x"}, 422, "step"),  # not on this Bridge
        ({"column": "debts", "step": 3, "reason": ""}, 422, "body.reason"),
    ],
)
def test_impossible_corrections_are_refused_naming_the_field(api, correction, status, field):
    p = uuid.uuid4()
    aid = assess(api, p).json()["assessment_id"]
    response = api.post(f"/participants/{p}/assessments/{aid}/corrections", json=correction)
    assert response.status_code == status
    assert field in [e["field"] for e in response.json()["errors"]]


def test_unknown_assessments_and_stray_notes(api):
    p = uuid.uuid4()
    assess(api, p)
    missing = api.post(
        f"/participants/{p}/assessments/{uuid.uuid4()}/corrections",
        json={"column": "debts", "step": 3, "reason": "x"},
    )
    assert missing.status_code == 404
    stray = assess(api, p, notes={"housing": "niet besproken"})
    assert stray.status_code == 422 and stray.json()["errors"][0]["field"] == "housing"
    assert assess(api, p, recorded_by="buurman").status_code == 422


def test_reporting_shows_the_corrected_step():
    from steiger.shared.contracts.bridge import PositionCorrected, PositionRecorded

    reporting = ReportingApplication()
    p, aid = uuid.uuid4(), uuid.uuid4()
    at = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)
    common = {
        "participant_id": p,
        "assessment_id": aid,
        "definition_id": "nl-alphen",
        "definition_version": "2017-09-07",
        "column": "debts",
        "assessed_at": at,
    }
    reporting.process_event(PositionRecorded(step=2, points=2, **common), Tracking("b#0", 1))
    reporting.process_event(
        PositionCorrected(step=3, points=3, corrected_at=at, **common), Tracking("b#0", 2)
    )
    debts = reporting.progress(p, as_of=at.date())["bridge"]["columns"]["debts"]
    assert debts["latest"]["step"] == 3 and debts["latest"]["corrected"] is True
