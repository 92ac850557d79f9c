"""Table 4 on a generated cohort whose shares are known in advance: at intake, now, and 6, 12
and 30 months after, as of any day; small groups and points suppressed; carried by the
evaluation export and the exchange dataset."""

from __future__ import annotations

import csv
import datetime as dt
import uuid

import pytest
from fastapi.testclient import TestClient

from steiger.reporting.main import parts
from steiger.reporting.settings import Settings
from steiger.shared.service import build_api

from ..access import staff
from .histories import feed, outcomes, registered, research_consent

D = dt.date
INTAKE, M6, M12, M30 = D(2024, 1, 20), D(2024, 7, 1), D(2025, 1, 10), D(2026, 7, 1)
# before each follow-up of an intake on 15 January 2024: 15 July, 15 January, 15 July 2026


@pytest.fixture
def service(tmp_path):
    service_parts = parts(Settings(var_dir=tmp_path))
    app = service_parts.application
    for n in range(20):  # the 2024-01 cohort: 20 participants
        p = uuid.uuid4()
        feed(app, registered(p, on=D(2024, 1, 15)), research_consent(p, D(2024, 1, 15)))
        feed(
            app,
            outcomes(p, INTAKE, employed=n < 10, buffer_for_unforeseen=n < 2, savings="0",
                     enrolled_in_education=True if n < 4 else None),
            outcomes(p, M6, employed=n < 12),
            outcomes(p, M12, employed=n < 14, home_owner=n < 1),
            outcomes(p, M30, employed=n < 16, buffer_for_unforeseen=n < 11,
                     savings=f"{100 * n}.00"),
        )  # fmt: skip
    for _ in range(3):  # the 2024-02 cohort: too small to show
        p = uuid.uuid4()
        feed(app, registered(p, on=D(2024, 2, 15)), outcomes(p, D(2024, 2, 16), employed=True))
    with TestClient(build_api(service_parts), headers=staff()) as client:
        yield client


def test_the_shares_of_a_generated_cohort_are_the_ones_made(service):
    table = service.get("/outcomes/cohort", params={"as_of": "2026-12-01"}).json()
    assert table["reference"]["shares"]["employed"] == {"start": 0.59, "later": 0.70}
    assert table["reference"]["mean_savings"]["later"] == "1345"
    big, small = table["groups"]
    assert (big["key"], big["participants"], big["suppressed"]) == ("2024-01", 20, False)
    assert small == {"key": "2024-02", "suppressed": True, "participants": None, "points": None}
    points = big["points"]
    employed = {k: points[k]["shares"]["employed"] for k in ("intake", "m6", "m12", "m30", "now")}
    assert employed == {"intake": 0.5, "m6": 0.6, "m12": 0.7, "m30": 0.8, "now": 0.8}
    assert (points["intake"]["shares"]["buffer_for_unforeseen"], points["now"]["shares"][
        "buffer_for_unforeseen"]) == (0.1, 0.55)  # fmt: skip
    assert (
        points["m12"]["shares"]["home_owner"] == 0.05
        and points["m6"]["shares"]["home_owner"] is None
    )
    # enrolment is known of 4 only: below the minimum cell, no share is given
    assert points["intake"]["known"]["enrolled_in_education"] == 4
    assert points["intake"]["shares"]["enrolled_in_education"] is None
    assert (points["intake"]["mean_savings"], points["now"]["mean_savings"]) == ("0.00", "950.00")


def test_as_of_an_earlier_day_the_later_points_are_not_reached(service):
    table = service.get("/outcomes/cohort", params={"as_of": "2024-09-01"}).json()
    points = table["groups"][0]["points"]
    assert points["m6"]["reached"] == 20 and points["m6"]["shares"]["employed"] == 0.6
    assert points["m12"]["reached"] == 0 and points["m12"]["shares"]["employed"] is None
    assert points["now"]["shares"]["employed"] == 0.6


def test_by_programme_and_municipality_and_bad_questions(service):
    by_programme = service.get("/outcomes/programme", params={"as_of": "2026-12-01"}).json()
    assert [(g["key"], g["participants"]) for g in by_programme["groups"]] == [("debt-help", 23)]
    by_place = service.get("/outcomes/municipality", params={"as_of": "2026-12-01"}).json()
    assert by_place["groups"][0]["key"] == "Alphen aan den Rijn"
    assert service.get("/outcomes/shoe-size").status_code == 422
    bad_day = service.get("/outcomes/cohort", params={"as_of": "gisteren"})
    assert bad_day.status_code == 422 and bad_day.json()["errors"][0]["field"] == "query.as_of"


def test_the_evaluation_export_and_the_exchange_carry_the_outcomes(service):
    export = service.get("/exports/evaluation.csv", params={"as_of": "2026-12-01"})
    rows = list(csv.DictReader(export.text.splitlines()))
    assert len(rows) == 20  # the research-consented
    assert sum(r["employed_m0"] == "True" for r in rows) == 10
    assert sum(r["employed_m12"] == "True" for r in rows) == 14
    assert {r["savings_m0"] for r in rows} == {"0"}
    assert sorted(int(float(r["savings_m24"] or 0)) for r in rows) == [0] * 20  # by then: 0
    exchange = service.get("/exchange/2026-Q3").json()
    (row,) = exchange["rows"]
    assert row["outcome_shares"]["employed"] == 0.8
    assert row["outcome_shares"]["enrolled_in_education"] is None  # known of too few
    assert row["mean_savings"] == "950.00"
