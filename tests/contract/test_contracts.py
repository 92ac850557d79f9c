"""Contracts are published documents: current in the repo, backward compatible, free of
personal data."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import jsonschema
import pytest

from steiger.cli.asyncapi import internal_document, partner_document, partner_event_schema
from steiger.cli.contracts import exchange_schema, render
from steiger.shared.contracts import REGISTRY
from steiger.shared.contracts.compatibility import incompatibilities, schema_of
from steiger.shared.contracts.exchange import EXCHANGE_EVENT_TYPE, EXCHANGE_TOPIC
from steiger.shared.contracts.partners import SHAREABLE
from steiger.shared.contracts.planning import GoalSet

from .deploy_tools import run, tool

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "shared" / "schemas"
ASYNCAPI_SCHEMA = "node_modules/@asyncapi/specs/schemas/3.0.0-without-$id.json"


def asyncapi_errors(document: dict) -> list[str]:
    """Where the document breaks the AsyncAPI 3.0 JSON Schema (from npm, pinned in
    docs/validation)."""
    validation = ROOT / "docs" / "validation"
    if not (validation / ASYNCAPI_SCHEMA).exists():
        run(tool("npm"), "ci", "--ignore-scripts", "--no-audit", "--no-fund", cwd=validation)
    schema = json.loads((validation / ASYNCAPI_SCHEMA).read_text())
    validator = jsonschema.Draft7Validator(schema)
    return [f"{list(e.path)}: {e.message[:200]}" for e in validator.iter_errors(document)]


PERSONAL = {
    "name",
    "first_name",
    "last_name",
    "email",
    "phone",
    "bsn",
    "address",
    "postal_code",
    "note",
    "notes",
    "birth_date",
    "birth_year",
    "external_id",
}


@pytest.mark.parametrize("event_type", sorted(REGISTRY))
def test_committed_schema_is_current(event_type):
    committed = (SCHEMAS / f"{event_type}.json").read_text()
    assert committed == render(schema_of(event_type)), "run `make contracts` and commit"


def test_no_schema_without_a_contract():
    published = {*REGISTRY, EXCHANGE_EVENT_TYPE}
    assert {p.stem for p in SCHEMAS.glob("*.json")} == published


def test_committed_exchange_schema_is_current():
    committed = (SCHEMAS / f"{EXCHANGE_EVENT_TYPE}.json").read_text()
    assert committed == render(exchange_schema()), "run `make contracts` and commit"


def test_the_asyncapi_document_describes_the_exchange_topic():
    channels = internal_document()["channels"]
    (exchange,) = [c for c in channels.values() if c["address"] == EXCHANGE_TOPIC]
    assert "carries no count" in exchange["description"]


def test_committed_asyncapi_documents_are_current():
    assert (ROOT / "docs" / "asyncapi.json").read_text() == render(internal_document())
    committed = (ROOT / "docs" / "partners-asyncapi.json").read_text()
    assert committed == render(partner_document())


@pytest.mark.parametrize("document", [internal_document, partner_document])
def test_the_asyncapi_documents_are_valid_asyncapi_3(document):
    assert asyncapi_errors(document()) == []


@pytest.mark.parametrize("event_type", sorted(REGISTRY))
def test_every_event_type_is_a_message_with_its_cloud_events_headers(event_type):
    document = internal_document()
    message = document["components"]["messages"][event_type]
    headers = message["headers"]["properties"]
    assert headers["ce_type"] == {"const": event_type}
    assert {"ce_id", "ce_source", "ce_time", "ce_subject"} <= set(message["headers"]["required"])
    assert message["payload"] == {"$ref": f"#/components/schemas/{event_type}"}
    channel = document["channels"][f"{REGISTRY[event_type].producer}.events"]
    assert channel["messages"][event_type]["$ref"].endswith(event_type)


@pytest.mark.parametrize("event_type", sorted(SHAREABLE))
def test_a_partner_event_carries_only_its_shareable_fields(event_type):
    schema = partner_event_schema(event_type, SHAREABLE[event_type])
    shareable = SHAREABLE[event_type]
    assert set(schema["properties"]) == {*shareable.fields, *shareable.ids}
    assert "participant_id" not in schema["properties"] and not schema["additionalProperties"]
    committed = SCHEMAS / "partners" / f"{event_type}.json"
    assert committed.read_text() == render(schema), "run `make contracts` and commit"


@pytest.mark.parametrize("event_type", sorted(REGISTRY))
def test_types_follow_the_nl_gov_naming(event_type):
    parts = event_type.split(".")
    assert parts[:2] == ["nl", "steiger"] and parts[-1] == "v1" and len(parts) == 5


@pytest.mark.parametrize("event_type", sorted(REGISTRY))
def test_contracts_carry_no_personal_data(event_type):
    assert not PERSONAL & set(REGISTRY[event_type].model_fields)


def test_a_consumer_ignores_fields_a_newer_producer_added():
    payload = {
        "participant_id": str(uuid.uuid4()),
        "goal_id": str(uuid.uuid4()),
        "horizon": "long",
        "column": None,
        "set_at": "2026-11-22T10:00:00+00:00",
        "added_in_a_later_v1": 1,
    }
    assert GoalSet.model_validate(payload).horizon == "long"


BASE = {"properties": {"a": {"type": "string"}, "b": {"type": "integer"}}, "required": ["a"]}


@pytest.mark.parametrize(
    ("current", "problems"),
    [
        ({"properties": {**BASE["properties"], "c": {"type": "string"}}, "required": ["a"]}, []),
        ({"properties": {"a": {"type": "string"}}, "required": ["a"]}, ["property 'b' removed"]),
        ({**BASE, "required": ["a", "b"]}, ["property 'b' newly required"]),
        (
            {"properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}, "required": ["a"]},
            ["property 'a' changed type"],
        ),
    ],
)
def test_compatibility_rules(current, problems):
    assert incompatibilities(BASE, current) == problems


def test_a_breaking_change_to_a_released_schema_is_refused(tmp_path):
    from steiger.cli.contracts import IncompatibleContract, write_schemas

    released = json.loads((SCHEMAS / "nl.steiger.planning.goal-set.v1.json").read_text())
    released["properties"]["dropped_later"] = {"type": "string"}
    (tmp_path / "nl.steiger.planning.goal-set.v1.json").write_text(json.dumps(released))
    with pytest.raises(IncompatibleContract, match="dropped_later"):
        write_schemas(tmp_path)
