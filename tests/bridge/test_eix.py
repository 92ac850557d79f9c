"""The Economic Independence Index: Table 1 of Boston reproduced from its components, the
Dutch table, and a participant's gap from the household their intake recorded."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from steiger.bridge.cost_tables import load_cost_tables
from steiger.bridge.domain.eix import CostTable
from steiger.bridge.domain.errors import InvalidDefinition, NoCostTableRow
from steiger.bridge.main import parts
from steiger.bridge.settings import Settings
from steiger.shared.service import build_api

from ..access import staff

TABLES = load_cost_tables()
BOSTON = TABLES[("us-boston", "2019")]


@pytest.mark.parametrize(
    ("household", "monthly", "hourly", "per_adult", "per_adult_hourly"),
    [
        ((1, 0, 0), "2375.00", "13.65", None, None),
        ((1, 1, 0), "4282.00", "24.61", None, None),
        ((1, 1, 1), "5490.00", "31.55", None, None),
        ((2, 1, 1), "6148.00", "35.33", "3074.00", "17.67"),
    ],
)
def test_the_boston_table_1_is_reproduced_exactly(
    household, monthly, hourly, per_adult, per_adult_hourly
):
    index = BOSTON.index_for(*household)
    assert index.monthly == Decimal(monthly)
    assert index.hourly == Decimal(hourly)
    assert index.per_adult_monthly == (Decimal(per_adult) if per_adult else None)
    assert index.per_adult_hourly == (Decimal(per_adult_hourly) if per_adult_hourly else None)
    assert sum(index.components.values()) - index.tax_credits == index.monthly


def test_the_dutch_table_names_its_source_and_covers_the_common_households():
    dutch = TABLES[("nl-steiger", "2026")]
    assert dutch.currency == "EUR" and "illustrative" in dutch.source
    for household in [(1, 0, 0), (2, 0, 0), (1, 1, 1), (2, 1, 1), (2, 0, 2)]:
        assert dutch.index_for(*household).monthly > 0
    with pytest.raises(NoCostTableRow):
        dutch.index_for(3, 0, 5)


def test_a_cost_table_with_a_repeated_household_is_refused():
    data = {
        "id": "x",
        "version": "1",
        "region": "r",
        "currency": "EUR",
        "hours_per_month": 174,
        "source": "s",
        "households": [
            {
                "type": t,
                "adults": 1,
                "preschool_children": 0,
                "school_age_children": 0,
                "costs": {"housing": "1"},
                "tax_credits": "0",
            }
            for t in ("a", "b")
        ],
    }
    with pytest.raises(InvalidDefinition):
        CostTable.from_data(data)


@pytest.fixture
def api(tmp_path):
    with TestClient(build_api(parts(Settings(var_dir=tmp_path))), headers=staff()) as client:
        yield client


def test_a_participants_gap_and_wishes_follow_the_household_from_intake(api, intake):
    app = api.app.state.application
    participant = uuid.uuid4()
    body = {
        "table_id": "us-boston",
        "table_version": "2019",
        "monthly_income": "3000.00",
        "wishes": {"holiday": "100.00", "driving lessons": "50.00"},
    }
    unknown = api.post(f"/participants/{participant}/economic-independence", json=body)
    assert unknown.status_code == 409  # the intake has not reached bridge yet
    intake(app, participant, adults=1, preschool=1, school_age=1)
    answer = api.post(f"/participants/{participant}/economic-independence", json=body).json()
    assert answer["index"]["monthly"] == "5490.00"
    assert (answer["gap"], answer["wishes_monthly"], answer["gap_with_wishes"]) == (
        "2490.00",
        "150.00",
        "2640.00",
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"monthly_income": "-1"}, "body.monthly_income"),
        ({"monthly_income": "10.001"}, "body.monthly_income"),
        ({"wishes": {"holiday": "abc"}}, "body.wishes.holiday"),
        ({"colour": "red"}, "body.colour"),
    ],
)
def test_bad_input_is_422_naming_the_field(api, change, field):
    body = {"table_id": "us-boston", "table_version": "2019", "monthly_income": "100"} | change
    response = api.post(f"/participants/{uuid.uuid4()}/economic-independence", json=body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_the_index_by_household_over_the_api(api):
    answer = api.get(
        "/cost-tables/us-boston/2019/index",
        params={"adults": 2, "preschool_children": 1, "school_age_children": 1},
    )
    assert answer.json()["per_adult_hourly"] == "17.67"
    missing = api.get("/cost-tables/us-boston/2019/index", params={"adults": 3})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "household"
    assert api.get("/cost-tables/nowhere/1/index", params={"adults": 1}).status_code == 404
    assert {t["id"] for t in api.get("/cost-tables").json()} == {"us-boston", "nl-steiger"}
