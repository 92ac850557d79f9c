"""The executive skills assessment: 36 answers, 3 stronger and 3 weaker functions, computed
with the questionnaire answered, the supports the weaker ones suggest, and the notice that
it is a conversation aid, not a diagnosis."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from steiger.bridge.domain.errors import InvalidDefinition
from steiger.bridge.main import parts
from steiger.bridge.questionnaires import load_executive_skills
from steiger.bridge.settings import Settings
from steiger.shared.service import build_api

from ..access import staff

QUESTIONNAIRE = load_executive_skills().current
SHIPPED = Path(__file__).parents[2] / "services/bridge/src/steiger/bridge/questionnaires"
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
    assert profile["questionnaire"] == "adult-executive-skills@2026"
    assert "geen diagnose" in profile["notice"]["nl"]
    assert "not a diagnosis" in profile["notice"]["en"]
    assert profile["weaker_named"][0] == {
        "function": "time-management",
        "name": {"nl": QUESTIONNAIRE.functions[7].name["nl"], "en": "Time management"},
    }
    codes = [(s["code"], s["for"]) for s in profile["supports"]]
    # weakest first, each support once: time management's, then organisation's, then memory's
    assert codes == [
        ("deadline-buffer", "time-management"),
        ("extra-reminder", "time-management"),
        ("one-folder", "organisation"),
        ("smaller-steps", "organisation"),
        ("write-it-down", "working-memory"),
    ]
    assert all(s["nl"] and s["en"] for s in profile["supports"])
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
    data = json.loads((SHIPPED / "executive-skills-2026.json").read_text())
    data["functions"][0]["statements"][0]["nl"] = "Eigen tekst van de organisatie."
    own = tmp_path / "own.json"
    own.write_text(json.dumps(data))
    assert load_executive_skills(own).current.functions[0].statements[0]["nl"].startswith("Eigen")
    data["functions"].pop()
    own.write_text(json.dumps(data))
    with pytest.raises(InvalidDefinition):
        load_executive_skills(own)


def test_a_profile_is_computed_with_the_questionnaire_it_was_answered_against(tmp_path):
    """A new version regroups statements: the earlier answers keep their earlier profile."""
    p = uuid.uuid4()
    given = answers(weak={"working-memory", "planning", "organisation"})
    body = {"answers": given, "assessed_at": AT}
    with TestClient(build_api(parts(Settings(var_dir=tmp_path))), headers=staff()) as client:
        before = client.post(f"/participants/{p}/executive-skills", json=body).json()
    newer = json.loads((SHIPPED / "executive-skills-2026.json").read_text())
    newer["version"] = "2027"
    memory, planning = (next(f for f in newer["functions"] if f["id"] == i)
                        for i in ("working-memory", "planning"))  # fmt: skip
    memory["statements"], planning["statements"] = planning["statements"], memory["statements"]
    own = tmp_path / "questionnaire-2027.json"
    own.write_text(json.dumps(newer))
    settings = Settings(var_dir=tmp_path, executive_skills_file=own)
    with TestClient(build_api(parts(settings)), headers=staff()) as client:
        assert client.get("/executive-skills/questionnaire").json()["version"] == "2027"
        history = client.get(f"/participants/{p}/executive-skills").json()["history"]
        assert history == [before]  # the 2026 grouping, not today's
        mixed = given | {"working-memory-1": 6, "working-memory-2": 6, "working-memory-3": 6}
        after = client.post(
            f"/participants/{p}/executive-skills", json={"answers": mixed, "assessed_at": AT}
        ).json()
        assert after["questionnaire"] == "adult-executive-skills@2027"
        # in 2027 those three statements are planning's: planning is no longer weak
        assert "planning" not in after["weaker"] and "working-memory" in after["weaker"]
    with pytest.raises(InvalidDefinition):
        load_executive_skills().answered("adult-executive-skills@1999")


def test_the_stronger_functions_are_shown_with_the_job_suggestions(api, intake):
    p = uuid.uuid4()
    intake(api.app.state.application, p, municipality="Zoeterwoude")
    assert api.get(f"/participants/{p}/jobs").json()["strengths"] == []
    strong = answers(strong={"flexibility", "planning", "stress-tolerance"})
    api.post(f"/participants/{p}/executive-skills", json={"answers": strong, "assessed_at": AT})
    strengths = api.get(f"/participants/{p}/jobs").json()["strengths"]
    assert [s["function"] for s in strengths] == ["planning", "flexibility", "stress-tolerance"]
    assert strengths[0]["name"]["en"] == "Planning and prioritising"


def test_the_published_profile_carries_function_ids_and_never_the_answers(api):
    from steiger.bridge.contracts import to_contract
    from steiger.bridge.domain.record import BridgeRecord

    app = api.app.state.application
    p = uuid.uuid4()
    api.post(f"/participants/{p}/executive-skills", json={"answers": answers(), "assessed_at": AT})
    events = app.repository.event_store.get(BridgeRecord.create_id(p))
    published = [c for c in map(to_contract, events) if c is not None]
    assert [c.event_type for c in published] == ["nl.steiger.bridge.executive-skills-profiled.v1"]
    assert published[0].weaker == ["stress-tolerance", "goal-directed-persistence",
                                   "metacognition"]  # fmt: skip
    assert "answers" not in published[0].model_dump()
