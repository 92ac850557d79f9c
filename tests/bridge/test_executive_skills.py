"""The executive skills assessment: 36 answers, 3 stronger and 3 weaker functions."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from steiger.bridge.main import parts
from steiger.bridge.questionnaires import load_executive_skills
from steiger.bridge.settings import Settings
from steiger.shared.service import build_api

from ..access import staff

QUESTIONNAIRE = load_executive_skills()
AT = "2026-11-22T10:00:00+01:00"


def answers(strong=(), weak=(), default=4):
    given = {}
    for function in QUESTIONNAIRE.functions:
        value = 6 if function.id in strong else 1 if function.id in weak else default
        given.update({s["id"]: value for s in function.statements})
    return given


@pytest.fixture
def api(tmp_path):
    with TestClient(build_api(parts(Settings(var_dir=tmp_path))), headers=staff()) as client:
        yield client


def test_twelve_functions_of_three_statements_in_both_languages():
    assert len(QUESTIONNAIRE.functions) == 12
    assert len(QUESTIONNAIRE.statement_ids) == 36
    assert all(s["nl"] and s["en"] for f in QUESTIONNAIRE.functions for s in f.statements)


def test_the_profile_names_the_three_stronger_and_three_weaker_functions(api):
    p = uuid.uuid4()
    given = answers(
        strong={"planning", "flexibility", "metacognition"},
        weak={"working-memory", "time-management", "organisation"},
    )
    given["working-memory-1"] = 2  # the weakest of the weak is a little less weak
    response = api.post(
        f"/participants/{p}/executive-skills", json={"answers": given, "assessed_at": AT}
    )
    assert response.status_code == 201
    profile = response.json()
    assert profile["stronger"] == ["planning", "flexibility", "metacognition"]
    assert profile["weaker"] == ["time-management", "organisation", "working-memory"]
    assert profile["scores"]["planning"] == 18
    assert (
        api.get(f"/participants/{p}/executive-skills").json()["latest"]["stronger"][0] == "planning"
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"planning-1": 7}, "body.answers.planning-1"),
        ({"planning-1": 0}, "body.answers.planning-1"),
        ({"made-up-1": 3}, "answers.made-up-1"),
    ],
)
def test_answers_out_of_range_or_unknown_are_422_naming_the_statement(api, change, field):
    response = api.post(
        f"/participants/{uuid.uuid4()}/executive-skills",
        json={"answers": answers() | change, "assessed_at": AT},
    )
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_an_incomplete_questionnaire_is_refused_and_records_nothing(api):
    p = uuid.uuid4()
    partial = dict(list(answers().items())[:35])
    response = api.post(
        f"/participants/{p}/executive-skills", json={"answers": partial, "assessed_at": AT}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].startswith("answers.")
    assert api.get(f"/participants/{p}/executive-skills").status_code == 404
    assert len(api.get("/executive-skills/questionnaire").json()["functions"]) == 12


def test_an_organisation_brings_its_own_statement_texts_and_broken_ones_are_refused(tmp_path):
    import json

    from steiger.bridge.domain.errors import InvalidDefinition

    data = json.loads(
        (
            Path(__file__).parents[2]
            / "services/bridge/src/steiger/bridge/questionnaires"
            / "executive-skills-2026.json"
        ).read_text()
    )
    data["functions"][0]["statements"][0]["nl"] = "Eigen tekst van de organisatie."
    own = tmp_path / "own.json"
    own.write_text(json.dumps(data))
    assert load_executive_skills(own).functions[0].statements[0]["nl"].startswith("Eigen")
    data["functions"].pop()
    own.write_text(json.dumps(data))
    with pytest.raises(InvalidDefinition):
        load_executive_skills(own)
