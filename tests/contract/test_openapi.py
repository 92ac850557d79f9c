"""Every service's OpenAPI document is complete enough for a generated client: each operation
documents its success response with a schema, and every error it can answer as problem+json.
(The fuzzing test checks the running system's answers against these documents.)"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import uuid
from decimal import Decimal
from typing import Any

import jsonschema_rs
import pytest

from steiger.reporting.application import ReportingApplication
from steiger.shared.contracts.participant import MentorAssigned, ParticipantStatusChanged
from steiger.shared.contracts.planning import GoalDiscontinued, MeetingHeld
from steiger.shared.contracts.rewards import RewardReversed
from steiger.shared.service import build_service
from steiger.shared.services import SERVICES
from tests.reporting.histories import (
    assessed,
    feed,
    goal_with_action,
    registered,
    research_consent,
    research_withdrawn,
)

PROBLEM = {"$ref": "#/components/schemas/Problem"}


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[str, dict[str, Any]]:
    found = {}
    for name in SERVICES:
        main = importlib.import_module(f"steiger.{name}.main")
        settings = importlib.import_module(f"steiger.{name}.settings").Settings(
            var_dir=tmp_path_factory.mktemp(name)
        )
        service = main.parts(settings)
        found[name] = build_service(service).openapi()
        service.application.close()
    return found


def operations(document: dict[str, Any]):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def loose(schema: dict[str, Any] | None) -> bool:
    """A schema that says nothing a client could generate a type from."""
    if not schema:
        return True
    if schema.get("type") == "array":
        return loose(schema.get("items"))
    return (
        schema.get("type") == "object"
        and "properties" not in schema
        and schema.get("additionalProperties") in (None, True, {})
    )


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_documents_its_success_with_a_schema(documents, service):
    undocumented = []
    for name, operation in operations(documents[service]):
        successes = {s: r for s, r in operation["responses"].items() if s.startswith("2")}
        assert successes, f"{name} documents no success"
        for status, response in successes.items():
            if status == "204":
                assert "content" not in response, f"{name}: 204 has no body"
                continue
            content = response.get("content", {})
            if not content or any(loose(c.get("schema")) for c in content.values()):
                undocumented.append(f"{name} {status}")
    assert not undocumented, "no schema (or a bare object) for: " + ", ".join(undocumented)


@pytest.mark.parametrize("service", SERVICES)
def test_every_error_is_documented_as_problem_json(documents, service):
    for name, operation in operations(documents[service]):
        responses = operation["responses"]
        assert "500" in responses, name
        if operation.get("parameters") or "requestBody" in operation:
            assert "422" in responses, name
        for status, response in responses.items():
            if status[0] in "45" and name not in ("GET /health", "GET /health/ready"):
                assert response["content"] == {"application/problem+json": {"schema": PROBLEM}}
    components = documents[service]["components"]["schemas"]
    assert "HTTPValidationError" not in components  # never sent: the handlers answer Problem
    assert components["Problem"]["required"] == ["title", "status"]


def test_route_specific_errors_are_documented(documents):
    bridge, participant = documents["bridge"]["paths"], documents["participant"]["paths"]
    assert "404" in bridge["/jobs"]["get"]["responses"]  # no such job catalogue
    assert "409" in bridge["/participants/{participant_id}/jobs"]["get"]["responses"]
    assert "410" in bridge["/participants/{participant_id}/positions"]["get"]["responses"]
    assert {"413", "415"} <= set(participant["/participants/import"]["post"]["responses"])
    assert "400" in participant["/participants"]["post"]["responses"]  # not JSON at all


def test_non_json_answers_say_their_media_types(documents):
    plan = documents["planning"]["paths"]["/participants/{participant_id}/plan"]["get"]
    assert set(plan["responses"]["200"]["content"]) == {"text/html", "application/pdf"}
    statement = documents["rewards"]["paths"]["/participants/{participant_id}/statements/{year}"]
    content = statement["get"]["responses"]["200"]["content"]
    assert content["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RewardsStatement"
    }
    assert content["text/csv"]["schema"] == {"type": "string"}


def conforms(document: dict[str, Any], component: str, instance: Any) -> None:
    schema = {"$ref": f"#/components/schemas/{component}", "components": document["components"]}
    jsonschema_rs.Draft202012Validator(schema, validate_formats=True).validate(instance)


def test_a_progress_view_from_out_of_order_facts_conforms_to_its_schema(documents, tmp_path):
    """The progress answer is encoded ahead (not through a response model), so its schema is
    checked here against views with every kind of fact, some arriving before their start."""
    app = ReportingApplication()
    p, goal = uuid.uuid4(), uuid.uuid4()
    history = goal_with_action(p, "debts", dt.date(2026, 2, 1), dt.date(2026, 2, 10),
                               dt.date(2026, 2, 15))  # fmt: skip
    reward = history[3]
    feed(
        app,
        # closed before reporting heard it was set: the view has no horizon or column yet
        GoalDiscontinued(participant_id=p, goal_id=goal, column=None,
                         discontinued_on=dt.date(2026, 3, 1)),
        *history,
        registered(p),
        assessed(p, "debts", 1, dt.date(2026, 1, 6)),
        assessed(p, "debts", 3, dt.date(2026, 3, 6)),
        research_consent(p),
        research_withdrawn(p, dt.date(2026, 4, 1)),
        MentorAssigned(participant_id=p, mentor_id=uuid.uuid4(), assigned_on=dt.date(2026, 1, 5)),
        ParticipantStatusChanged(participant_id=p, status="paused", changed_on=dt.date(2026, 5, 1)),
        MeetingHeld(participant_id=p, meeting_id=uuid.uuid4(), held_on=dt.date(2026, 2, 2),
                    duration_minutes=45, crisis_minutes=10, goal_minutes=30),
        RewardReversed(participant_id=p, reward_id=reward.reward_id, amount=reward.amount,
                       reversed_at=dt.datetime(2026, 4, 2, tzinfo=dt.UTC)),
    )  # fmt: skip
    for as_of in (dt.date(2026, 1, 1), dt.date(2026, 2, 12), dt.date(2026, 6, 1)):
        body = json.loads(app.kept_progress(p, as_of).body)
        conforms(documents["reporting"], "ProgressOut", body)
    assert body["status"]["status"] == "paused"
    assert Decimal(body["rewards"]["total"]) == Decimal("0.00")


def test_money_in_a_request_is_documented_as_the_text_that_is_accepted(documents):
    schemas = documents["bridge"]["components"]["schemas"]
    income = schemas["EconomicIndependenceIn"]["properties"]["monthly_income"]
    assert income["type"] == "string" and income["pattern"] == r"^[0-9]{1,7}(\.[0-9]{1,2})?$"
    wish = schemas["EconomicIndependenceIn"]["properties"]["wishes"]["additionalProperties"]
    assert (wish["type"], wish["pattern"]) == ("string", income["pattern"])
