"""`on_event_loop`: a synchronous endpoint runs on the event loop's thread, and FastAPI still
sees its parameters (validation, dependencies, OpenAPI) as if it were undecorated."""

from __future__ import annotations

import threading

from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel

from steiger.shared.concurrency import on_event_loop
from steiger.shared.http import Today, install_problem_handlers


class Step(BaseModel):
    step: int


def app_with_endpoints() -> FastAPI:
    router = APIRouter()

    @router.post("/on-loop/{n}", status_code=201)
    @on_event_loop
    def on_loop(n: int, body: Step, today: Today) -> dict:
        return {"thread": threading.get_ident(), "n": n, "step": body.step, "today": today}

    @router.post("/on-pool")
    def on_pool() -> dict:
        return {"thread": threading.get_ident()}

    @router.get("/loop")
    async def loop() -> dict:
        return {"thread": threading.get_ident()}

    app = FastAPI()
    install_problem_handlers(app, {})
    app.include_router(router)
    return app


def test_a_decorated_endpoint_runs_on_the_loop_and_a_plain_one_on_the_pool() -> None:
    with TestClient(app_with_endpoints()) as client:
        loop_thread = client.get("/loop").json()["thread"]
        answer = client.post("/on-loop/3", json={"step": 2})
        assert answer.status_code == 201
        assert answer.json()["thread"] == loop_thread
        assert answer.json()["n"] == 3 and answer.json()["step"] == 2
        assert answer.json()["today"]  # the dependency was resolved
        assert client.post("/on-pool").json()["thread"] != loop_thread


def test_a_decorated_endpoint_still_validates_and_documents_its_input() -> None:
    app = app_with_endpoints()
    with TestClient(app) as client:
        answer = client.post("/on-loop/3", json={"step": "high"})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "body.step"
    operation = app.openapi()["paths"]["/on-loop/{n}"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Step"
    }
    assert [p["name"] for p in operation["parameters"]] == ["n"]
