"""Bulk import: good, bad and duplicate rows; the same file twice creates nothing new."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from steiger.participant.main import parts
from steiger.participant.settings import Settings
from steiger.shared.service import build_api

from ..access import staff

HEADER = (
    "external_id,name,birth_year,email,street,house_number,postcode,city,bsn,municipality,"
    "programme,adults,preschool_children,school_age_children,registered_on"
)
CSV = "\n".join(
    [
        HEADER,
        "S-1,Ans Jansen,1980,ans@example.nl,Dorpsstraat,1,2405 AA,Alphen,111222333,Alphen,"
        "debt-help,1,0,2,2026-10-01",
        "S-2,Bert Smit,1975,,,,,,,Alphen,re-integration,2,0,0,2026-10-01",
        "S-3,Carla Bakker,1990,,,,,,123456789,Alphen,debt-help,1,0,0,2026-10-01",  # bad BSN
        "S-4,,1990,,,,,,,Alphen,debt-help,1,0,0,2026-10-01",  # no name
        "S-1,Ans Jansen,1980,,,,,,,Alphen,debt-help,1,0,2,2026-10-01",  # same external id
        "S-5,Dirk Visser,1960,,,,,,111222333,Alphen,debt-help,1,0,0,2026-10-01",  # Ans's BSN
        '"S-6","Eva ""Evi"" de Wit",1999,,,,,,,Alphen,young-people,1,0,0,2026-10-01',
    ]
)


@pytest.fixture
def api(tmp_path):
    with TestClient(build_api(parts(Settings(var_dir=tmp_path))), headers=staff()) as client:
        yield client


def send(api, body: str, media_type: str = "text/csv", **params):
    return api.post(
        "/participants/import",
        content=body.encode(),
        headers={"content-type": media_type},
        params=params,
    )


def test_a_mixed_file_is_imported_row_by_row_with_a_report(api):
    report = send(api, CSV).json()
    assert (report["rows"], report["created"], report["already_present"]) == (7, 3, 1)
    rejected = {r["line"]: r["reason"] for r in report["rejected"]}
    assert set(rejected) == {4, 5, 7}
    assert "eleven-test" in rejected[4]
    assert "name" in rejected[5]
    assert "bsn" in rejected[7] and "already" in rejected[7]
    found = api.get("/participants", params={"name": "evi"}).json()
    assert [hit["name"] for hit in found] == ['Eva "Evi" de Wit']


def test_importing_the_same_file_again_creates_no_duplicates(api):
    send(api, CSV)
    again = send(api, CSV).json()
    assert (again["created"], again["already_present"]) == (0, 4)
    assert len(api.get("/participants", params={"birth_year": 1980}).json()) == 1


def test_json_lines_with_line_numbers_from_an_offset(api):
    good = {
        "external_id": "J-1",
        "name": "Fleur Dijk",
        "birth_year": 1985,
        "municipality": "Leiden",
        "programme": "debt-help",
        "household": {"adults": 1},
    }
    body = "\n".join([json.dumps(good), "{not json", json.dumps(good | {"birth_year": 1800})])
    report = send(api, body, "application/x-ndjson", first_line=101).json()
    assert report["created"] == 1
    assert [r["line"] for r in report["rejected"]] == [102, 103]
    assert "birth_year" in report["rejected"][1]["reason"]


def test_other_media_types_are_refused(api):
    response = send(api, "{}", "application/json")
    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"


LATIN_1_ROW = "L-1,José Peña,1980,,,,,,,Alphen,debt-help,1,0,0,2026-10-01"


def test_an_excel_export_in_windows_1252_is_read_as_such(api):
    response = api.post(
        "/participants/import",
        content="\n".join([HEADER, LATIN_1_ROW]).encode("cp1252"),
        headers={"content-type": "text/csv"},
    )
    assert response.status_code == 200
    assert (response.json()["created"], response.json()["encoding"]) == (1, "cp1252")
    assert [hit["name"] for hit in api.get("/participants", params={"name": "jos"}).json()] == [
        "José Peña"
    ]


def test_a_named_charset_is_honoured_and_a_dutch_excel_separator_understood(api):
    body = "\n".join([HEADER, LATIN_1_ROW]).replace(",", ";").encode("latin-1")
    response = api.post(
        "/participants/import",
        content=body,
        headers={"content-type": "text/csv; charset=ISO-8859-1"},
    )
    assert response.json()["created"] == 1


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (bytes(range(256)) * 4, "text/csv"),  # no text in any encoding we read
        (b"name\nJos\xe9", "text/csv; charset=utf-8"),  # not what it says it is
        (b"name\nJos", "text/csv; charset=klingon"),
    ],
)
def test_bytes_that_are_not_text_are_refused_with_a_problem(api, body, content_type):
    response = api.post(
        "/participants/import", content=body, headers={"content-type": content_type}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert api.get("/participants", params={"birth_year": 1980}).json() == []


def test_a_line_over_the_csv_field_limit_is_refused_and_the_others_imported(api):
    huge = "S-9,Xx" + "x" * 1_000_000 + ",1980,,,,,,,Alphen,debt-help,1,0,0,2026-10-01"
    report = send(api, "\n".join([HEADER, huge, CSV.splitlines()[2]])).json()
    assert report["created"] == 1
    assert report["rejected"][0]["line"] == 2
    assert "field" in report["rejected"][0]["reason"]


def test_a_body_over_the_limit_is_refused_before_it_is_read(api, monkeypatch):
    monkeypatch.setattr("steiger.participant.api.MAX_IMPORT_BYTES", 1000)
    response = send(api, CSV + "\n" + "\n".join([CSV.splitlines()[2]] * 30))
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert api.get("/participants", params={"birth_year": 1975}).json() == []


def test_a_row_dated_before_any_programme_is_refused_and_the_rest_imported(api):
    ancient = CSV.splitlines()[2].replace("S-2", "S-7").replace("2026-10-01", "0001-01-01")
    report = send(api, "\n".join([HEADER, ancient, CSV.splitlines()[1]])).json()
    assert report["created"] == 1
    assert report["rejected"][0]["line"] == 2 and "registered_on" in report["rejected"][0]["reason"]
