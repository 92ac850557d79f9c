import copy
import json
from importlib.resources import files

import pytest

from steiger.bridge.definitions import load_definitions
from steiger.bridge.domain.definition import BridgeDefinition
from steiger.bridge.domain.errors import InvalidDefinition


def shipped() -> dict:
    return json.loads(
        files("steiger.shared.reference.bridges").joinpath("nl-alphen-2017-09-07.json").read_text()
    )


def test_the_dutch_bridge_has_eight_columns_of_five_steps():
    definition = load_definitions()[("nl-alphen", "2017-09-07")]
    assert [c.id for c in definition.columns] == [
        "housing",
        "family",
        "health",
        "social-network",
        "education",
        "debts",
        "savings",
        "income",
    ]
    assert all(len(c.steps) == 5 for c in definition.columns)
    assert all(s.nl and s.en for c in definition.columns for s in c.steps)


def test_an_organisation_adds_its_own_definition_without_code(tmp_path):
    own = shipped() | {"id": "nl-elderly", "version": "2026-01"}
    (tmp_path / "elderly.json").write_text(json.dumps(own))
    assert ("nl-elderly", "2026-01") in load_definitions(tmp_path)


@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        (lambda d: d["columns"].append(copy.deepcopy(d["columns"][0])), "not unique"),
        (lambda d: d["columns"][0]["steps"].reverse(), "1..n in order"),
        (lambda d: d["columns"][0]["steps"][4].update(points=0), "points must not fall"),
        (lambda d: d["columns"][0]["steps"][0].pop("points"), "missing"),
    ],
)
def test_broken_definitions_are_rejected_with_a_clear_error(break_it, message):
    data = shipped()
    break_it(data)
    with pytest.raises(InvalidDefinition, match=message):
        BridgeDefinition.from_data(data)


def test_every_shipped_definition_loads_and_validates():
    from steiger.bridge.definitions import load_definitions

    shipped = load_definitions()
    assert set(shipped) == {("nl-alphen", "2017-09-07"), ("empath", "2019")}
    for definition in shipped.values():
        definition.validate()
        assert all(s.nl and s.en for c in definition.columns for s in c.steps)
