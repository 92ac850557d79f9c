"""The Economic Independence Index: Table 1 of Boston reproduced from its components, the
index tailored to any household the intake allows, housing per municipality, tables added
as data, and a participant's gap from the household their intake recorded."""

from __future__ import annotations

import json
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
        assert dutch.index_for(*household).basis == "published"


@pytest.mark.parametrize(("table", "version"), [("us-boston", "2019"), ("nl-steiger", "2026")])
def test_the_per_person_components_add_up_to_what_each_person_brings(table, version):
    components = TABLES[(table, version)].components
    assert components is not None
    one = components.household(1, 0, 0)
    two_school = components.household(1, 0, 2)
    child = components.persons["school_age_child"]
    assert two_school.tax_credits == one.tax_credits + 2 * child.tax_credits
    assert two_school.costs["food"] == one.costs["food"] + 2 * child.costs["food"]
    housing = components.shared["housing"]
    assert two_school.costs["housing"] == housing[min(3, len(housing)) - 1]  # three persons
    large = components.household(10, 15, 15)  # the largest the intake allows
    assert large.costs["housing"] == components.shared["housing"][-1]
    assert large.type == "10a15p15s" and large.monthly > two_school.monthly


def test_bostons_components_are_its_published_rows_taken_apart():
    for row in BOSTON.households:
        tailored = BOSTON.components.household(
            row.adults, row.preschool_children, row.school_age_children
        )
        assert tailored.costs == row.costs and tailored.tax_credits == row.tax_credits


def test_a_single_parent_with_two_school_age_children_gets_a_tailored_index():
    dutch = TABLES[("nl-steiger", "2026")].index_for(1, 0, 2)
    # housing and utilities of three persons, one adult, two school-age children (the file)
    assert dutch.basis == "tailored" and dutch.household_type == "1a2s"
    assert dutch.components == {
        "housing": Decimal(1050), "utilities": Decimal(250), "childcare": Decimal(300),
        "food": Decimal(590), "transportation": Decimal(180),
        "personal_and_household": Decimal(440), "health_care": Decimal(185),
        "taxes": Decimal(680),
    }  # fmt: skip
    assert (dutch.tax_credits, dutch.monthly, dutch.hourly) == (
        Decimal(665), Decimal("3010.00"), Decimal("17.30"),
    )  # fmt: skip
    assert BOSTON.index_for(1, 0, 2).monthly == Decimal("4986.00")


def test_housing_follows_the_municipality_where_the_table_knows_it():
    dutch = TABLES[("nl-steiger", "2026")]
    plain = dutch.index_for(1, 0, 0)
    leiden = dutch.index_for(1, 0, 0, "Leiden")
    assert leiden.housing_factor == Decimal("1.15") and leiden.municipality == "Leiden"
    assert leiden.components["housing"] == Decimal("977.50")
    assert leiden.monthly == plain.monthly + Decimal("127.50")
    elsewhere = dutch.index_for(1, 0, 0, "Nergenshuizen")
    assert elsewhere.monthly == plain.monthly and elsewhere.municipality is None


def test_a_table_without_components_answers_only_its_published_rows():
    data = {
        "id": "x", "version": "1", "region": "r", "currency": "EUR", "hours_per_month": 174,
        "source": "s",
        "households": [{"type": "1a", "adults": 1, "preschool_children": 0,
                        "school_age_children": 0, "costs": {"housing": "1"},
                        "tax_credits": "0"}],
    }  # fmt: skip
    table = CostTable.from_data(data)
    assert table.index_for(1, 0, 0).monthly == Decimal("1.00")
    with pytest.raises(NoCostTableRow):
        table.index_for(1, 0, 2)
    for broken in (
        {"housing_factors": {"Leiden": "0"}},
        {"housing_factors": {"Leiden": "many"}},
        {"components": {"shared": {"housing": ["1"]}}},
        {"hours_per_month": "lots"},
    ):
        with pytest.raises(InvalidDefinition):
            CostTable.from_data(data | broken)


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


OWN_TABLE = {
    "id": "nl-rijnstreek", "version": "2027", "region": "Rijnstreek", "currency": "EUR",
    "hours_per_month": 173, "source": "the region's own reference budget",
    "households": [{"type": "1a", "adults": 1, "preschool_children": 0,
                    "school_age_children": 0, "costs": {"housing": "900", "food": "300"},
                    "tax_credits": "0"}],
}  # fmt: skip


def test_an_organisation_adds_its_own_cost_table_as_data(tmp_path):
    own = tmp_path / "tables"
    own.mkdir()
    (own / "rijnstreek-2027.json").write_text(json.dumps(OWN_TABLE))
    settings = Settings(var_dir=tmp_path, cost_tables_dir=own)
    with TestClient(build_api(parts(settings)), headers=staff()) as client:
        tables = {t["id"]: t for t in client.get("/cost-tables").json()}
        assert set(tables) == {"us-boston", "nl-steiger", "nl-rijnstreek"}
        assert tables["nl-rijnstreek"]["tailors_any_household"] is False
        assert tables["nl-steiger"]["tailors_any_household"] is True
        assert "Leiden" in tables["nl-steiger"]["municipalities"]
        index = client.get("/cost-tables/nl-rijnstreek/2027/index", params={"adults": 1})
        assert index.json()["monthly"] == "1200.00"


def test_a_malformed_table_of_the_organisation_stops_the_start_naming_its_file(tmp_path):
    (tmp_path / "broken.json").write_text(json.dumps(OWN_TABLE | {"households": "none"}))
    with pytest.raises(InvalidDefinition, match="broken.json"):
        load_cost_tables(tmp_path)
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(InvalidDefinition, match="broken.json"):
        load_cost_tables(tmp_path)


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


def test_a_participants_index_is_tailored_and_follows_the_intakes_municipality(api, intake):
    participant = uuid.uuid4()
    intake(api.app.state.application, participant, adults=1, school_age=2)  # in Leiden
    body = {"table_id": "nl-steiger", "table_version": "2026", "monthly_income": "2000"}
    url = f"/participants/{participant}/economic-independence"
    index = api.post(url, json=body).json()["index"]
    assert (index["basis"], index["household_type"], index["municipality"]) == (
        "tailored", "1a2s", "Leiden",
    )  # fmt: skip
    assert index["monthly"] == "3167.50"  # 3010.00 with housing 1050 × 1.15
    moved = api.post(url, json=body | {"municipality": "Amsterdam"}).json()["index"]
    assert moved["monthly"] == "3377.50"  # housing 1050 × 1.35


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
    tailored = api.get("/cost-tables/us-boston/2019/index", params={"adults": 3})
    assert tailored.json()["basis"] == "tailored" and tailored.json()["household_type"] == "3a"
    for params in ({"adults": 11}, {"adults": 1, "school_age_children": -1},
                   {"adults": 1, "municipality": "x" * 81}):  # fmt: skip
        refused = api.get("/cost-tables/us-boston/2019/index", params=params)
        assert refused.status_code == 422
    assert api.get("/cost-tables/nowhere/1/index", params={"adults": 1}).status_code == 404
    body = {"table_id": "nl-steiger", "table_version": "1999", "monthly_income": "100"}
    unknown = api.post(f"/participants/{uuid.uuid4()}/economic-independence", json=body)
    assert unknown.status_code == 422  # named in the body: the field at fault
    assert unknown.json()["errors"][0]["field"] == "table_version"
    assert {t["id"] for t in api.get("/cost-tables").json()} == {"us-boston", "nl-steiger"}
