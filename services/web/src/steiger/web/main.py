"""Composition root of the web app: settings, sign-in, the pages, the answers to what went
wrong, and the headers every answer carries."""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import structlog
import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from steiger.shared.http import TraceContextMiddleware
from steiger.shared.logging import configure_logging
from steiger.shared.metrics import MetricsMiddleware
from steiger.shared.settings import secret_kept_in
from steiger.web import (
    caseload,
    casework,
    intake,
    participant,
    privacy,
    records,
    skills,
    stories,
)
from steiger.web.backends import Backends, ServiceError, ServiceUnavailable
from steiger.web.guard import ForgedForm, SignedIn, SignInFirst, checked_form
from steiger.web.metrics import WebMetrics
from steiger.web.rendering import render
from steiger.web.sessions import SESSION_COOKIE, SIGNIN_COOKIE, SIGNIN_MINUTES, Session, Sessions
from steiger.web.settings import Settings
from steiger.web.signin import Issuer, SigninFailed
from steiger.web.texts import LANGUAGES

log = structlog.get_logger(__name__)
STATIC = Path(__file__).parent / "static"
SECURITY_HEADERS = {
    # everything the pages use is the app's own: no inline script, nothing from elsewhere
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def session_key(settings: Settings) -> bytes:
    if settings.session_key is None:
        return secret_kept_in(settings.var_dir, "web-session.key")
    try:
        key = base64.b64decode(settings.session_key.get_secret_value(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("STEIGER_WEB_SESSION_KEY must be 32 bytes in base64") from None
    if len(key) != 32:
        raise ValueError("STEIGER_WEB_SESSION_KEY must be 32 bytes in base64")
    return key


def build_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    if not settings.oidc_issuer:
        raise ValueError(
            "set STEIGER_OIDC_ISSUER to the OpenID Connect issuer users sign in with "
            "(`steiger run` starts a development issuer when none is configured)"
        )
    public = settings.public_url.rstrip("/")
    issuer = Issuer(settings.oidc_issuer, settings.client_id, f"{public}/signin/callback")
    sessions = Sessions(
        session_key(settings), settings.idle_minutes * 60, settings.session_hours * 3600
    )

    metrics = WebMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.backends = Backends(settings.service_urls, observe=metrics.observe_call)
        try:
            yield
        finally:
            await app.state.backends.close()

    app = FastAPI(
        title="Steiger",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.sessions = sessions
    app.state.settings = settings
    app.state.issuer = issuer
    app.state.default_language = LANGUAGES[0]
    parts = urlsplit(public)
    app.state.origin = f"{parts.scheme}://{parts.netloc}"
    secure = settings.secure_cookies

    def keep(response: Response, session: Session) -> None:
        response.set_cookie(
            SESSION_COOKIE,
            sessions.seal(session),
            max_age=settings.session_hours * 3600,
            httponly=True,
            secure=secure,
            samesite="lax",
        )

    class Headers(BaseHTTPMiddleware):
        async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
            response = await call_next(request)
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
            session: Session | None = getattr(request.state, "session", None)
            if session is not None and not getattr(request.state, "signed_out", False):
                keep(response, session.seen())  # idle time counts from this request
            return response

    app.add_middleware(Headers)
    app.add_middleware(TraceContextMiddleware)
    app.add_middleware(MetricsMiddleware, metrics=lambda: metrics)  # outermost
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/health/live", include_in_schema=False)
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/metrics", include_in_schema=False)
    async def metrics_exposed() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/health/ready", include_in_schema=False)
    async def ready() -> JSONResponse:
        try:
            await issuer.discovery()
        except Exception:
            return JSONResponse({"status": "unavailable", "issuer": False}, status_code=503)
        return JSONResponse({"status": "ok", "issuer": True})

    @app.get("/signin", response_class=HTMLResponse)
    async def signin(request: Request, next: str = "/") -> Response:
        url, pending = await issuer.begin()
        pending["next"] = next if next.startswith("/") and not next.startswith("//") else "/"
        response = RedirectResponse(url, status_code=303)
        response.set_cookie(
            SIGNIN_COOKIE,
            sessions.signin.seal(pending),
            max_age=SIGNIN_MINUTES * 60,
            httponly=True,
            secure=secure,
            samesite="lax",
        )
        return response

    @app.get("/signin/callback", response_class=HTMLResponse)
    async def signed_in(request: Request, code: str = "", state: str = "") -> Response:
        pending = sessions.signin.open(request.cookies.get(SIGNIN_COOKIE))
        fresh = pending is not None and time.time() - float(pending["at"]) < SIGNIN_MINUTES * 60
        if pending is None or not fresh or not code or state != pending.get("state"):
            return render(request, "signin_failed.html", status_code=400)
        try:
            session = await issuer.finish(pending, code)
        except SigninFailed as failed:
            log.warning("sign-in failed", reason=str(failed))
            return render(request, "signin_failed.html", status_code=400)
        log.info("signed in", subject=session.subject, roles=list(session.roles))
        response = RedirectResponse(pending.get("next", "/"), status_code=303)
        response.delete_cookie(SIGNIN_COOKIE)
        keep(response, session)
        return response

    @app.post("/signout")
    async def signout(request: Request, session: SignedIn) -> Response:
        await checked_form(request, session)
        request.state.signed_out = True
        end = await issuer.signout_url(session.id_token, f"{public}/signed-out")
        response = RedirectResponse(end or "/signed-out", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    @app.get("/signed-out", response_class=HTMLResponse)
    async def signed_out(request: Request) -> Response:
        return render(request, "signed_out.html")

    @app.post("/language")
    async def language(request: Request, session: SignedIn) -> Response:
        form = await checked_form(request, session)
        chosen = form.get("language", "nl")
        request.state.session = session.with_language(chosen if chosen in LANGUAGES else "nl")
        back = form.get("back", "/")
        return RedirectResponse(
            back if back.startswith("/") and not back.startswith("//") else "/", status_code=303
        )

    # the intake's /participants/new before a participant's /participants/{id}
    for pages in (caseload, intake, participant, casework, records, skills, stories, privacy):
        app.include_router(pages.router)
    _answer_what_went_wrong(app)
    return app


WHOLE_PAGE = {"HX-Retarget": "body", "HX-Reselect": "unset", "HX-Reswap": "innerHTML show:top"}
"""An error page replaces the whole page, also where a form would swap only its section."""


def _error_page(request: Request, status_code: int, kind: str) -> Response:
    page = render(request, "error.html", status_code=status_code, kind=kind)
    page.headers.update(WHOLE_PAGE)
    return page


def _answer_what_went_wrong(app: FastAPI) -> None:
    @app.exception_handler(SignInFirst)
    async def sign_in_first(request: Request, error: SignInFirst) -> Response:
        target = f"/signin?next={error.back_to}"
        if request.headers.get("hx-request"):
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(ForgedForm)
    async def forged(request: Request, _: ForgedForm) -> Response:
        log.warning("form refused: no valid CSRF token", path=request.url.path)
        return _error_page(request, 403, "csrf")

    @app.exception_handler(ServiceError)
    async def refused(request: Request, error: ServiceError) -> Response:
        kind = str(error.status) if error.status in (403, 404, 410) else "503"
        if error.status == 401:  # the token is no longer good: sign in again
            return RedirectResponse(f"/signin?next={request.url.path}", status_code=303)
        return _error_page(request, error.status, kind)

    @app.exception_handler(ServiceUnavailable)
    async def unavailable(request: Request, error: ServiceUnavailable) -> Response:
        log.warning("a service did not answer", service=error.service)
        return _error_page(request, 503, "503")

    @app.exception_handler(RequestValidationError)
    async def no_such_page(request: Request, _: RequestValidationError) -> Response:
        # an address no page has: a participant id that is not one, an action change unknown
        return _error_page(request, 404, "404")

    @app.exception_handler(StarletteHTTPException)
    async def not_found(request: Request, error: StarletteHTTPException) -> Response:
        kind = "404" if error.status_code in (404, 405) else "503"
        return _error_page(request, error.status_code, kind)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        log.exception("unexpected error", path=request.url.path)
        return _error_page(request, 500, "503")


def main() -> None:
    settings = Settings()
    configure_logging("web")
    app: Any = build_app(settings)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
