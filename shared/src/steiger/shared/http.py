"""HTTP edge shared by every service: problem+json errors, trace context, and the
dependencies on the application and on today's date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any

import structlog
from eventsourcing.persistence import IntegrityError
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from steiger.shared import clock, tracing
from steiger.shared.access import Forbidden, InvalidPurpose, Unauthenticated, challenge
from steiger.shared.eventstore import Unpublishable
from steiger.shared.participants import PARTICIPANT_ERRORS
from steiger.shared.tokens import IssuerUnavailable
from steiger.shared.tracing import current_traceparent, trace_id

PROBLEM_JSON = "application/problem+json"


Amount = Annotated[
    Decimal,
    Field(ge=0, max_digits=9, decimal_places=2),
    WithJsonSchema(
        {"type": "string", "pattern": r"^[0-9]{1,7}(\.[0-9]{1,2})?$", "examples": ["1234.50"],
         "description": "an amount with at most two decimals, as text (a JSON number is read too)"}
    ),
]  # fmt: skip
"""Money in a request: exact (Decimal), never negative; documented as the text it is best sent
as, so that a generated client (and a fuzzer) sends what is accepted."""


class Strict(BaseModel):
    """The base of every request body: unknown fields are refused, text is trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


log = structlog.get_logger(__name__)


def problem(status: int, title: str, detail: str | None = None, **extensions: Any) -> JSONResponse:
    """RFC 9457 problem details."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extensions)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


class PayloadTooLarge(Exception):
    """Content Too Large"""


async def read_limited(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 once it grows past `limit` bytes (read as it
    streams in, so a huge upload is never held in memory whole)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the body is larger than {limit} bytes; send it in parts")
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > limit:
            raise PayloadTooLarge(f"the body is larger than {limit} bytes; send it in parts")
    return bytes(received)


def charset_of(parameters: str) -> str | None:
    """The `charset` of a Content-Type's parameters (what follows the media type's `;`)."""
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return None


def _field(location: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in location)


def install_problem_handlers(app: FastAPI, domain_errors: Mapping[type[Exception], int]) -> None:
    """Map bad input to 422, the service's domain errors to their status, and a concurrent
    modification to 409. Domain errors stay free of HTTP; this is the one place they meet it."""

    @app.exception_handler(RequestValidationError)
    async def invalid_input(_: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": _field(e["loc"]), "message": e["msg"], "type": e["type"]}
            for e in error.errors()
        ]
        fields = ", ".join(e["field"] for e in errors)
        return problem(422, "Invalid input", f"Check these fields: {fields}", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, error: StarletteHTTPException) -> JSONResponse:
        answer = problem(error.status_code, str(error.detail))
        # the router's own headers go along: `Allow` with a 405, as RFC 9110 requires
        answer.headers.update(error.headers or {})
        return answer

    @app.exception_handler(Unauthenticated)
    async def unauthenticated(_: Request, error: Unauthenticated) -> JSONResponse:
        answer = problem(401, "Unauthorized", str(error))
        answer.headers["WWW-Authenticate"] = challenge(error)
        return answer

    @app.exception_handler(IssuerUnavailable)
    async def issuer_unavailable(_: Request, error: IssuerUnavailable) -> JSONResponse:
        answer = problem(503, "Service Unavailable", str(error))
        answer.headers["Retry-After"] = "5"
        return answer

    @app.exception_handler(InvalidPurpose)
    async def invalid_purpose(_: Request, error: InvalidPurpose) -> JSONResponse:
        return problem(422, "Invalid input", str(error), **error.problem_extensions)

    @app.exception_handler(Forbidden)
    async def forbidden(_: Request, error: Forbidden) -> JSONResponse:
        return problem(403, "Forbidden", str(error))

    @app.exception_handler(PayloadTooLarge)
    async def too_large(_: Request, error: PayloadTooLarge) -> JSONResponse:
        return problem(413, "Content Too Large", str(error))

    @app.exception_handler(Unpublishable)
    async def unpublishable(_: Request, error: Unpublishable) -> JSONResponse:
        return problem(422, "Unprocessable Content", str(error), **error.problem_extensions)

    @app.exception_handler(IntegrityError)
    async def concurrent_change(_: Request, __: IntegrityError) -> JSONResponse:
        return problem(409, "Conflict", "Someone changed this at the same time; try again.")

    for error_class, status in {**PARTICIPANT_ERRORS, **domain_errors}.items():

        async def domain_error(_: Request, error: Exception, status: int = status) -> JSONResponse:
            extensions = getattr(error, "problem_extensions", {})
            return problem(
                status, type(error).__doc__ or type(error).__name__, str(error), **extensions
            )

        app.add_exception_handler(error_class, domain_error)


class TraceContextMiddleware:
    """Continues the caller's W3C trace (or starts one) and answers with its traceparent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"traceparent", b"").decode() or None
        method = scope["method"]
        span = tracing.begin(method, incoming, "server", **{"http.request.method": method})
        traceparent = span.traceparent
        token = current_traceparent.set(traceparent)

        started = False
        status = 500

        async def send_with_trace(message: Message) -> None:
            nonlocal started, status
            if message["type"] == "http.response.start":
                started, status = True, message["status"]
                message.setdefault("headers", [])
                message["headers"].append((b"traceparent", traceparent.encode()))
            await send(message)

        try:
            with structlog.contextvars.bound_contextvars(correlation_id=trace_id(traceparent)):
                try:
                    await self.app(scope, receive, send_with_trace)
                except Exception as error:
                    # Whatever no handler expected still answers problem+json, with the trace
                    # id to quote and no internals; the log line has the traceback.
                    log.exception("unexpected error", error_type=type(error).__name__)
                    if started:
                        raise
                    response = problem(
                        500,
                        "Internal Server Error",
                        "Something went wrong on our side. Quote the trace id when you report it.",
                        trace_id=trace_id(traceparent),
                    )
                    await response(scope, receive, send_with_trace)
        finally:
            current_traceparent.reset(token)
            template = getattr(scope.get("route"), "path_format", None)
            span.end(
                f"{method} {template}" if template else None,
                failed=f"answered {status}" if status >= 500 else None,
                attributes={
                    "http.response.status_code": status,
                    **({"http.route": template} if template else {}),
                },
            )


# Dependencies are coroutines although they never wait: FastAPI runs plain functions on its
# thread pool, which costs a thread hand-over per dependency per request.


async def current_application(request: Request) -> Any:
    """FastAPI dependency: the service's application, set by the composition root."""
    return request.app.state.application


async def today() -> dt.date:
    return clock.today()


Today = Annotated[dt.date, Depends(today)]
"""Today where the organisation is (see `clock`); a dependency, so a test can set the day."""


MAX_WAIT_SECONDS = 30
"""The longest a client may ask an answer to wait for a change."""


def requested_wait(prefer: str | None) -> int:
    """Seconds from an RFC 7240 `Prefer: wait=N` header, at most `MAX_WAIT_SECONDS`; anything
    else is no wait (a preference the server cannot honour is ignored, as the RFC has it)."""
    for preference in (prefer or "").replace(";", ",").split(","):
        name, _, value = preference.strip().partition("=")
        if name.lower() == "wait" and value.isdigit():
            return min(int(value), MAX_WAIT_SECONDS)
    return 0


def etag_matches(if_none_match: str | None, tag: str) -> bool:
    """RFC 9110's weak comparison of an `If-None-Match` list (or `*`) with the current tag."""
    if not if_none_match:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or tag in tags
