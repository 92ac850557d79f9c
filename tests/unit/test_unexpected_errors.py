"""Whatever no handler expected still answers problem+json: a 500 with the trace id to quote
and no internals in the body."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from steiger.shared.http import TraceContextMiddleware, install_problem_handlers

from ..access import staff

TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def test_an_unexpected_error_answers_problem_json_with_the_trace_id():
    router = APIRouter()

    @router.get("/boom")
    def boom() -> dict:
        raise OverflowError("date value out of range: secret internals")

    api = FastAPI()
    api.add_middleware(TraceContextMiddleware)
    install_problem_handlers(api, {})
    api.include_router(router)
    with TestClient(api, raise_server_exceptions=False) as client:
        response = client.get("/boom", headers={"traceparent": TRACE})
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["trace_id"] == "0af7651916cd43dd8448eb211c80319c"
    assert "secret" not in response.text and "Overflow" not in response.text
    assert response.headers["traceparent"].split("-")[1] == body["trace_id"]


def test_the_outbox_refuses_a_position_past_any_notification_id(tmp_path):
    from steiger.planning.main import parts
    from steiger.planning.settings import Settings
    from steiger.shared.outbox import outbox_router
    from steiger.shared.service import build_api

    service = parts(Settings(var_dir=tmp_path))
    api = build_api(service)
    api.include_router(outbox_router(service.application, service.settings.source, b"k" * 32))
    with TestClient(api, headers=staff()) as client:
        assert client.get("/outbox", params={"after": 2**63 - 2}).json()["records"] == []
        response = client.get("/outbox", params={"after": 2**63 - 1})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.after"


def test_a_method_the_route_does_not_take_is_405_with_the_methods_it_does():
    router = APIRouter()

    @router.get("/things")
    def things() -> list[str]:
        return []

    api = FastAPI()
    install_problem_handlers(api, {})
    api.include_router(router)
    with TestClient(api) as client:
        response = client.request("TRACE", "/things")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["allow"] == "GET"  # RFC 9110
