"""Every operation of every service has an access decision, and keeps it (issue 25).

The walk reads each service's OpenAPI document and calls every operation: without a token it
is 401 (but for the few that are public by design), and with a token of each role the
operation does not admit it is 403. An endpoint added later without `admits(...)` fails here.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import importlib
import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from fastapi.testclient import TestClient

from steiger.shared.access import Role
from steiger.shared.service import build_service
from steiger.shared.services import SERVICES

from ..access import bearer, session_issuer

PROBES = ("GET /health", "GET /health/ready", "GET /health/live", "GET /metrics")
PUBLIC = {
    ("notifications", "GET /calendar/{token}.ics"),
    *((service, probe) for service in SERVICES for probe in PROBES),
}
"""What answers without a token: health and metrics for orchestrators and Prometheus, and a
calendar feed whose secret is its address."""

PATH_VALUES = {
    "year": "2026", "by": "programme", "period": "2026", "file_format": "csv", "token": "x",
    "partition": "0", "offset": "0", "channel": "email", "purpose": "research",
}  # fmt: skip


@pytest.fixture(scope="module")
def services(tmp_path_factory) -> Iterator[dict[str, tuple[TestClient, dict[str, Any]]]]:
    """Each service's API (not started: no request here gets past the door)."""
    found, applications = {}, []
    for name in SERVICES:
        main = importlib.import_module(f"steiger.{name}.main")
        settings = importlib.import_module(f"steiger.{name}.settings").Settings(
            var_dir=tmp_path_factory.mktemp(name)
        )
        parts = main.parts(settings)
        applications.append(parts.application)
        api = build_service(parts)
        found[name] = (TestClient(api), api.openapi())
    yield found
    for application in applications:
        application.close()


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES.get(m.group(1), str(uuid.uuid4())), path)


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_declares_who_it_admits(services, service):
    _, document = services[service]
    for method, path, operation in operations(document):
        name = f"{method} {path}"
        if (service, name) in PUBLIC:
            assert operation["security"] == [] and operation["x-steiger-public"], name
            continue
        assert operation.get("security") == [{"bearer": []}], f"{service} {name}: no access"
        roles = operation["x-steiger-roles"]
        assert roles and set(roles) <= set(Role), name
        assert {"401", "403"} <= set(operation["responses"]), name
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


@pytest.mark.parametrize("service", SERVICES)
def test_without_a_token_every_operation_but_the_public_ones_is_401(services, service):
    client, document = services[service]
    for method, path, _ in operations(document):
        if (service, f"{method} {path}") in PUBLIC:
            continue
        response = client.request(method, concrete(path), json={})
        assert response.status_code == 401, f"{service} {method} {path}: {response.text}"
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("service", SERVICES)
def test_every_role_an_operation_does_not_admit_is_403(services, service):
    client, document = services[service]
    tokens = {role: bearer(role, subject=uuid.uuid4()) for role in Role}
    for method, path, operation in operations(document):
        admitted = set(operation.get("x-steiger-roles", Role))
        for role in set(Role) - admitted:
            response = client.request(method, concrete(path), json={}, headers=tokens[role])
            assert response.status_code == 403, f"{service} {method} {path} as {role}"
            assert response.headers["content-type"] == "application/problem+json"


def _claims(**changes: Any) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC)
    claims = {
        "iss": session_issuer().url, "aud": "steiger", "sub": "someone", "iat": now,
        "nbf": now, "exp": now + dt.timedelta(minutes=5),
        "realm_access": {"roles": list(Role)},
    }  # fmt: skip
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _forged(kind: str) -> str:
    issuer = session_issuer()
    signed = issuer._key  # the issuer's own key, where a forgery needs it to be right
    header = {"kid": issuer.key_id}
    if kind == "expired":
        past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
        return jwt.encode(_claims(exp=past, nbf=past - dt.timedelta(hours=1), iat=None), signed,
                          "ES256", headers=header)  # fmt: skip
    if kind == "wrong audience":
        return jwt.encode(_claims(aud="another-app"), signed, "ES256", headers=header)
    if kind == "wrong issuer":
        return jwt.encode(_claims(iss="https://evil.example"), signed, "ES256", headers=header)
    if kind == "bad signature":
        token = jwt.encode(_claims(), signed, "ES256", headers=header)
        body, _, signature = token.rpartition(".")
        return f"{body}.{'A' * len(signature)}"
    if kind == "alg none":
        return jwt.encode(_claims(), None, "none", headers=header)  # type: ignore[arg-type]
    if kind == "HS256 with the public key":  # the classic confusion, made by hand
        public = signed.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        head = _b64(json.dumps({"alg": "HS256", "typ": "JWT", **header}).encode())
        body = _b64(json.dumps(_claims(), default=lambda d: int(d.timestamp())).encode())
        mac = hmac.new(public, f"{head}.{body}".encode(), hashlib.sha256).digest()
        return f"{head}.{body}.{_b64(mac)}"
    if kind == "not a JWT":
        return "not-a-token"
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind",
    ["expired", "wrong audience", "wrong issuer", "bad signature", "alg none",
     "HS256 with the public key", "not a JWT"],
)  # fmt: skip
def test_a_bad_token_is_401_naming_it_invalid_and_never_echoed(services, kind):
    client, _ = services["participant"]
    token = _forged(kind)
    response = client.get("/participants", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, response.text
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    assert token not in response.text


def test_a_malformed_authorization_header_is_401(services):
    client, _ = services["bridge"]
    for header in ("Basic dXNlcjpwYXNz", "Bearer", "Bearer    ", "bearer x y z", "x" * 10_000):
        response = client.get("/definitions", headers={"Authorization": header})
        assert response.status_code == 401, header
