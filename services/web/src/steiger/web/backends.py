"""The six services, called with the signed-in user's own token: what a user may see and do
is what the services let that token see and do, and what they audit is that user's doing."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx
from fastapi import Request

from steiger.shared.tracing import current_traceparent


class ServiceError(Exception):
    """A service said no: its status, what it said, and the fields at fault (by the form's
    names: `household.adults`, not `body.household.adults`)."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None,
        fields: Mapping[str, str],
        problem: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{status} {title}: {detail}")
        self.status = status
        self.title = title
        self.detail = detail
        self.fields = dict(fields)
        self.problem = dict(problem or {})
        """The whole problem document: its extensions (e.g. `existing_participant_id`)."""


class ServiceUnavailable(Exception):
    """A service did not answer."""

    def __init__(self, service: str) -> None:
        super().__init__(service)
        self.service = service


CallObserver = Callable[[str, str, float], None]
"""Told of every call: the service, its outcome (`2xx`, `4xx`, `unavailable`), the seconds."""


class Backends:
    def __init__(
        self, urls: Mapping[str, str], timeout: float = 10.0, observe: CallObserver | None = None
    ) -> None:
        self.urls = dict(urls)
        self.http = httpx.AsyncClient(timeout=timeout)
        self.observe = observe or (lambda service, outcome, seconds: None)

    async def close(self) -> None:
        await self.http.aclose()

    async def call(
        self,
        method: str,
        service: str,
        path: str,
        token: str,
        body: Any = None,
        params: Mapping[str, Any] | None = None,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        if traceparent := current_traceparent.get():
            headers["traceparent"] = traceparent
        started = time.perf_counter()
        try:
            response = await self.http.request(
                method, self.urls[service] + path, json=body, params=params, headers=headers
            )
        except httpx.HTTPError:
            self.observe(service, "unavailable", time.perf_counter() - started)
            raise ServiceUnavailable(service) from None
        outcome = (
            "unavailable" if response.status_code >= 500 else f"{response.status_code // 100}xx"
        )
        self.observe(service, outcome, time.perf_counter() - started)
        if response.status_code >= 500:
            raise ServiceUnavailable(service)
        if response.status_code >= 400:
            raise _error_of(response)
        return response

    async def get(self, service: str, path: str, token: str, **params: Any) -> Any:
        response = await self.call("GET", service, path, token, params=params or None)
        return response.json()

    async def get_or_none(self, service: str, path: str, token: str) -> Any:
        """What the service has, or None when it has nothing (404) yet."""
        try:
            return await self.get(service, path, token)
        except ServiceError as error:
            if error.status == 404:
                return None
            raise

    async def post(self, service: str, path: str, token: str, body: Any) -> Any:
        response = await self.call("POST", service, path, token, body=body)
        return response.json() if response.content else None


def backends_of(request: Request) -> Backends:
    """The app's clients of the six services."""
    backends: Backends = request.app.state.backends
    return backends


def _error_of(response: httpx.Response) -> ServiceError:
    try:
        problem = response.json()
    except ValueError:
        problem = {}
    if not isinstance(problem, dict):
        problem = {}
    fields: dict[str, str] = {}
    for error in problem.get("errors") or ():
        if isinstance(error, dict) and isinstance(error.get("field"), str):
            name = error["field"].removeprefix("body.")
            fields.setdefault(name, str(error.get("message", "")))
    if isinstance(problem.get("field"), str):
        fields.setdefault(problem["field"], str(problem.get("detail", "")))
    return ServiceError(
        response.status_code,
        str(problem.get("title") or response.reason_phrase),
        problem.get("detail"),
        fields,
        problem,
    )
