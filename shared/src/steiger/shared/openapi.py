"""Every service's OpenAPI document made complete enough for a generated client: each error
status an operation can answer is documented with the problem+json schema.

Routes declare the statuses that only their own domain can answer (`problems(404, 409)`);
what the shared edge answers is added here, in one place: 422 for input that does not
validate, 404 for what a path names and does not exist, 410 for an erased participant, 409
for a concurrent change to what a command writes, and 500 for the unexpected.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, ConfigDict, Field

from steiger.shared.access import WRITES, Admits, Public
from steiger.shared.http import PROBLEM_JSON

TEXT = {"schema": {"type": "string"}}
BINARY = {"schema": {"type": "string", "format": "binary"}}
"""The schemas of a response that is not JSON (`responses={200: {"content": {…: TEXT}}}`)."""


DESCRIPTIONS = {
    400: "Bad Request: the request cannot be read",
    401: "Unauthorized: no access token, or one that is not valid here (see WWW-Authenticate)",
    403: "Forbidden: the caller's roles do not admit this, or the case is not on their caseload",
    404: "Not Found",
    409: "Conflict with the current state, or with a change made at the same time",
    410: "Gone: the participant was erased",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Invalid input: `errors` names each field at fault",
    500: "Unexpected error: quote `trace_id` when you report it",
    503: "Service Unavailable: the issuer's keys could not be fetched; try again shortly",
}


class Created(BaseModel):
    """The id of what a command made (201)."""

    id: UUID


class FieldError(BaseModel):
    field: str = Field(examples=["body.household.adults"])
    message: str
    type: str | None = None


class Problem(BaseModel):
    """RFC 9457 problem details. Domain errors may add members of their own (the field at
    fault, the allowed values)."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldError] | None = Field(None, description="with 422: the fields at fault")
    trace_id: str | None = Field(None, description="with 500: the trace to quote")


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route for the error statuses its domain can answer."""
    return {status: {"description": DESCRIPTIONS.get(status, "Error")} for status in statuses}


def _edge_statuses(method: str, operation: dict[str, Any]) -> set[int]:
    """What the shared edge can answer for an operation, whatever its domain."""
    statuses = {500}
    parameters = operation.get("parameters", [])
    if parameters or "requestBody" in operation:
        statuses.add(422)
    if "requestBody" in operation:  # not JSON at all
        statuses.add(400)
    if any(p["in"] == "path" for p in parameters):  # what the path names may not exist
        statuses.add(404)
    if any(p["name"] == "participant_id" for p in parameters):  # an erased participant
        statuses.add(410)
    if method in WRITES:
        statuses.add(409)
    return statuses


def _answers_a_problem(response: dict[str, Any]) -> bool:
    """An error response without a model of its own (`/health`'s 503 has one), or with
    FastAPI's validation error, which the problem handlers replace."""
    schemas = [c.get("schema", {}) for c in response.get("content", {}).values()]
    return not schemas or any(
        s.get("$ref") == "#/components/schemas/HTTPValidationError" for s in schemas
    )


class DocumentedAPI(FastAPI):
    """A FastAPI app whose OpenAPI document has every error response as problem+json."""

    def openapi(self) -> dict[str, Any]:
        if not self.openapi_schema:
            self.openapi_schema = complete_openapi(self)
        return self.openapi_schema


BEARER = "bearer"
SECURITY_SCHEMES = {
    BEARER: {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "An OpenID Connect access token of the organisation's issuer; "
        "`x-steiger-roles` on each operation names the roles it admits",
    }
}


def access_decisions(app: FastAPI) -> dict[tuple[str, str], Admits | Public]:
    """Each operation's access decision, by (method, path), from its route's dependencies."""
    found: dict[tuple[str, str], Admits | Public] = {}
    for route in iter_route_contexts(app.routes):  # routes of included routers too
        if not isinstance(route.original_route, APIRoute):
            continue
        decision = _decision_in(route.dependant)
        if decision is not None and route.path_format:
            for method in route.methods or ():
                found[(method.lower(), route.path_format)] = decision
    return found


def _decision_in(dependant: Dependant) -> Admits | Public | None:
    for dependency in dependant.dependencies:
        if isinstance(dependency.call, Admits | Public):
            return dependency.call
        if (inner := _decision_in(dependency)) is not None:
            return inner
    return None


def _document_access(operation: dict[str, Any], decision: Admits | Public | None) -> None:
    if isinstance(decision, Admits):
        operation["security"] = [{BEARER: []}]
        operation["x-steiger-roles"] = sorted(decision.roles)
        for status in (401, 403, 503):
            operation["responses"].setdefault(str(status), {"description": DESCRIPTIONS[status]})
    elif isinstance(decision, Public):
        operation["security"] = []
        operation["x-steiger-public"] = decision.why


def complete_openapi(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document with every error response as problem+json; FastAPI's own
    422 schema (which the problem handlers never send) is replaced. Each operation says who
    it admits: the bearer scheme and its roles, or why it is public."""
    document = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    decisions = access_decisions(app)
    document.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
    components = document.setdefault("components", {}).setdefault("schemas", {})
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(schema.pop("$defs", {}))
    components["Problem"] = schema
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    problem_content = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            _document_access(operation, decisions.get((method, path)))
            responses = operation["responses"]
            for status in _edge_statuses(method.upper(), operation):
                responses.setdefault(str(status), {"description": DESCRIPTIONS[status]})
            for status, response in responses.items():
                if status[0] in "45" and _answers_a_problem(response):
                    if status == "422":
                        response["description"] = DESCRIPTIONS[422]
                    response["content"] = problem_content
            operation["responses"] = dict(sorted(responses.items()))
    return document
