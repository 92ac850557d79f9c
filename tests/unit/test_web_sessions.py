"""The web app's session lives sealed in a cookie: nobody reads or changes it there, and it
ends when it should (idle, a working day, the access token's expiry)."""

from __future__ import annotations

import os
import time

import time_machine

from steiger.web.sessions import Seal, Session, Sessions

KEY = os.urandom(32)


def a_session(**changes) -> Session:
    values = {
        "subject": "anna",
        "name": "Anna de Vries",
        "roles": ("mentor",),
        "teams": ("demo",),
        "access_token": "token",
        "token_expires": time.time() + 8 * 3600,
        "id_token": None,
    }
    return Session(**{**values, **changes})


def sessions() -> Sessions:
    return Sessions(KEY, idle_seconds=30 * 60, longest_seconds=9 * 3600)


def test_a_sealed_session_opens_as_it_was() -> None:
    session = a_session()
    assert sessions().open(sessions().seal(session)) == session


def test_the_cookie_holds_no_token_in_the_clear() -> None:
    sealed = sessions().seal(a_session(access_token="eyJsecret-token"))
    assert "secret" not in sealed and "Anna" not in sealed


def test_a_changed_forged_or_foreign_cookie_is_no_session() -> None:
    sealed = sessions().seal(a_session())
    flipped = sealed[:20] + ("A" if sealed[20] != "A" else "B") + sealed[21:]
    assert sessions().open(flipped) is None
    assert sessions().open("Zm9yZ2Vk") is None
    assert sessions().open("") is None
    assert sessions().open("x" * 10_000) is None
    other_key = Sessions(os.urandom(32), 1800, 9 * 3600)
    assert other_key.open(sealed) is None
    # a sign-in's sealed state is not a session, though sealed with the same key
    signin = Seal(KEY, "steiger-web/signin").seal({"state": "s"})
    assert sessions().open(signin) is None


def test_a_session_ends_when_idle_after_a_working_day_or_with_its_token() -> None:
    with time_machine.travel(0, tick=False) as clock:
        sealed = sessions().seal(a_session(token_expires=30 * 3600))
        clock.shift(29 * 60)
        assert sessions().open(sealed) is not None
        clock.shift(2 * 60)
        assert sessions().open(sealed) is None  # idle for 31 minutes
    with time_machine.travel(0, tick=False) as clock:
        session = a_session(token_expires=30 * 3600)
        for _ in range(20):  # used every 29 minutes: still ends after nine hours
            clock.shift(29 * 60)
            session = session.seen()
        assert sessions().open(sessions().seal(session)) is None
    with time_machine.travel(0, tick=False) as clock:
        sealed = sessions().seal(a_session(token_expires=10 * 60))
        clock.shift(11 * 60)
        assert sessions().open(sealed) is None  # the access token expired
