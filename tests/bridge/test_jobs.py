"""Hot Jobs and Smart Start Jobs: each Table 2 threshold tested on both sides."""

from __future__ import annotations

import dataclasses
import uuid
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from steiger.bridge.domain.jobs import Job
from steiger.bridge.main import parts
from steiger.bridge.settings import Settings
from steiger.shared.service import build_api

from ..access import staff

INDEX = Decimal("3000.00")
HOT = Job(
    "Hot",
    "zorg",
    Decimal("3000.00"),
    150,
    Decimal("2"),
    Decimal("0.50"),
    Decimal("0.70"),
    Decimal("0"),
)
SMART = Job(
    "Smart",
    "zorg",
    Decimal("1950.00"),
    150,
    Decimal("2"),
    Decimal("0.70"),
    Decimal("0.70"),
    Decimal("0.70"),
)


def with_(job, **change):
    return dataclasses.replace(job, **change)


def test_exactly_at_every_threshold_a_job_still_qualifies():
    assert HOT.classify(INDEX) == "hot"
    assert SMART.classify(INDEX) == "smart-start"


@pytest.mark.parametrize(
    ("job", "change", "now"),
    [
        (HOT, {"monthly_wage": Decimal("2999.99")}, None),  # below 100 %: not hot; and its
        (HOT, {"vacancies_5y": 149}, None),  # training share is too low for smart start
        (HOT, {"training_years": Decimal("2.5")}, None),
        (HOT, {"short_training_share": Decimal("0.49")}, None),
        (HOT, {"good_benefits_share": Decimal("0.69")}, None),
        (SMART, {"monthly_wage": Decimal("1949.99")}, None),  # below 65 %
        (SMART, {"vacancies_5y": 149}, None),
        (SMART, {"training_years": Decimal("2.01")}, None),
        (SMART, {"short_training_share": Decimal("0.69")}, None),
        (SMART, {"good_benefits_share": Decimal("0.69")}, None),
        (SMART, {"hot_sector_share": Decimal("0.69")}, None),
        (SMART, {"monthly_wage": Decimal("3000.00")}, "hot"),  # paying 100 % makes it hot
    ],
)
def test_just_below_a_threshold_a_job_does_not_qualify(job, change, now):
    assert with_(job, **change).classify(INDEX) == now


def test_a_hot_job_with_a_lower_short_training_share_can_still_be_a_smart_start():
    job = with_(
        HOT,
        monthly_wage=Decimal("2500"),
        short_training_share=Decimal("0.80"),
        hot_sector_share=Decimal("0.75"),
    )
    assert job.classify(INDEX) == "smart-start"


@pytest.fixture
def api(tmp_path):
    with TestClient(build_api(parts(Settings(var_dir=tmp_path))), headers=staff()) as client:
        yield client


def test_the_dutch_catalogue_comes_from_table_5_and_says_what_is_illustrative(api):
    catalogue = api.get("/jobs").json()
    assert "Table 5" in catalogue["catalogue"]["source"]
    crane = next(j for j in catalogue["jobs"] if j["occupation"] == "Kraanmachinist")
    assert crane["monthly_wage"] == "2150.00" and "vacancies_5y" in crane["illustrative"]
    mixed = api.get("/jobs", params={"table_id": "us-boston", "table_version": "2019"})
    assert mixed.status_code == 422  # euros against a dollar table


def test_a_participants_jobs_follow_their_household(api, intake):
    p = uuid.uuid4()
    app = api.app.state.application
    intake(app, p, municipality="Zoeterwoude")  # no housing factor: the table's own row
    answer = api.get(f"/participants/{p}/jobs").json()
    assert answer["index_monthly"] == "2150.00"  # one adult, the Dutch table
    assert {j["occupation"] for j in answer["covering_jobs"]} >= {"Kraanmachinist"}
    assert all(Decimal(j["monthly_wage"]) >= Decimal("2150") for j in answer["covering_jobs"])
    assert api.get(f"/participants/{uuid.uuid4()}/jobs").status_code == 409
    in_leiden = uuid.uuid4()
    intake(app, in_leiden)  # housing × 1.15: no starting wage of the catalogue covers it
    answer = api.get(f"/participants/{in_leiden}/jobs").json()
    assert answer["index_monthly"] == "2277.50" and answer["covering_jobs"] == []


@pytest.mark.parametrize(
    ("wage", "training", "expected"),
    [("3245.00", "2", "hot"), ("2109.25", "1.5", "smart-start"), ("2109.24", "0", None),
     ("4000.00", "2.5", None)],
)  # fmt: skip
def test_a_job_of_ones_own_is_classified_against_the_index(api, wage, training, expected):
    body = {"title": "Doktersassistent", "monthly_wage": wage, "training_years": training}
    answer = api.post("/jobs/classify", json=body).json()
    assert answer["index"]["household_type"] == "1a1p1s"  # Table 2's household
    assert answer["index"]["monthly"] == "3245.00"  # 2109.25 is 65 % of it
    assert answer["class"] == expected
    assert "vacancies_5y" in answer["not_assessed"]


def test_a_job_of_ones_own_against_another_household_and_municipality(api):
    body = {
        "title": "Kraanmachinist",
        "monthly_wage": "3100",
        "training_years": "1",
        "household": {"adults": 1, "school_age_children": 2},
        "municipality": "Leiden",
    }
    answer = api.post("/jobs/classify", json=body).json()
    assert answer["index"]["monthly"] == "3167.50" and answer["class"] == "smart-start"
    assert answer["shortfall_monthly"] == "67.50" and answer["share_of_index"] == "0.979"
    unknown = api.post("/jobs/classify", json=body | {"table_version": "1999"})
    assert unknown.status_code == 422  # a version not loaded: the field is named
    assert unknown.json()["errors"][0]["field"] == "table_version"
    assert "2026" in unknown.json()["errors"][0]["message"]  # the versions it does have
    elsewhere = api.post("/jobs/classify", json=body | {"table_id": "nowhere"})
    assert elsewhere.json()["errors"][0]["field"] == "table_id"
    catalogue = api.get("/jobs", params={"catalogue_version": "1999"})
    assert catalogue.status_code == 422
    assert catalogue.json()["errors"][0]["field"] == "catalogue_version"


@pytest.mark.parametrize(
    ("change", "field"),
    [({"title": ""}, "body.title"), ({"monthly_wage": "-1"}, "body.monthly_wage"),
     ({"training_years": "11"}, "body.training_years"),
     ({"household": {"adults": 0}}, "body.household.adults"),
     ({"household": {"adults": 1, "pets": 2}}, "body.household.pets"),
     ({"municipality": ""}, "body.municipality")],
)  # fmt: skip
def test_a_bad_job_to_classify_is_422_naming_the_field(api, change, field):
    body = {"title": "Doktersassistent", "monthly_wage": "2000", "training_years": "1"} | change
    answer = api.post("/jobs/classify", json=body)
    assert answer.status_code == 422
    assert field in [e["field"] for e in answer.json()["errors"]]
