"""What every page asks first: who is signed in, and, for a form, that it came from a page of
this app in this session (its CSRF token)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from steiger.web.sessions import SESSION_COOKIE, Session, Sessions, same_token


class SignInFirst(Exception):
    """No session (or it ended): the user signs in, then comes back to `back_to`."""

    def __init__(self, back_to: str) -> None:
        super().__init__(back_to)
        self.back_to = back_to


class ForgedForm(Exception):
    """A form without this session's CSRF token, or from another origin."""


def current_session(request: Request) -> Session:
    sessions: Sessions = request.app.state.sessions
    session = sessions.open(request.cookies.get(SESSION_COOKIE))
    if session is None:
        back_to = request.url.path if request.method == "GET" else "/"
        raise SignInFirst(back_to)
    request.state.session = session  # the answer carries it on, seen now (main.py)
    return session


SignedIn = Annotated[Session, Depends(current_session)]


class FormFields(dict[str, str]):
    """A form's fields by name (the last value of each), and every value of a field that
    comes more than once (checkboxes)."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        super().__init__(pairs)
        self._all: dict[str, list[str]] = {}
        for name, value in pairs:
            self._all.setdefault(name, []).append(value)

    def getlist(self, name: str) -> list[str]:
        return list(self._all.get(name, ()))


async def checked_form(request: Request, session: SignedIn) -> FormFields:
    """The form's fields, once its CSRF token is this session's and its origin is the app's."""
    origin = request.headers.get("origin")
    if origin and origin != request.app.state.origin:
        raise ForgedForm()
    form = await request.form()
    fields = FormFields(
        [(name, value) for name, value in form.multi_items() if isinstance(value, str)]
    )
    token = request.headers.get("x-csrf-token") or fields.pop("csrf", None)
    if not same_token(session.csrf, token):
        raise ForgedForm()
    return fields


Form = Annotated[FormFields, Depends(checked_form)]
