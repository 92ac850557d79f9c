"""Pages rendered with Jinja2, in the user's language, with what every page needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from steiger.web.texts import translator

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    session = getattr(request.state, "session", None)
    language = session.language if session is not None else request.app.state.default_language
    return templates.TemplateResponse(
        request,
        template,
        {"session": session, "t": translator(language), "language": language, **context},
        status_code=status_code,
    )


def see_page(path: str) -> RedirectResponse:
    """After a form: the page again, by GET (post/redirect/get)."""
    return RedirectResponse(path, status_code=303)
