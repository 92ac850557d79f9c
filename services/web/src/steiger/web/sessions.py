"""Who is signed in, kept in the browser in a sealed cookie: AES-256-GCM, so the user's access
token is neither readable nor changeable there, and any process of the app can open it (no
session store to share between replicas).

A session ends after `idle_minutes` unused, after `session_hours` in all, when its access
token expires, and at sign-out. Every form carries the session's CSRF token (htmx sends it as
a header); cookies are HttpOnly and SameSite=Lax, and Secure wherever the app is not on a
plain-http address of this machine.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import os
import secrets
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE = 12
SESSION_COOKIE = "steiger_session"
SIGNIN_COOKIE = "steiger_signin"
"""The sign-in under way: state, nonce and PKCE verifier, until the issuer sends the user back."""
SIGNIN_MINUTES = 10


@dataclass(frozen=True)
class Session:
    subject: str
    name: str
    roles: tuple[str, ...]
    teams: tuple[str, ...]
    access_token: str
    token_expires: float
    id_token: str | None
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    started: float = field(default_factory=time.time)
    last_seen: float = field(default_factory=time.time)
    language: str = "nl"

    def has(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    def seen(self) -> Session:
        return replace(self, last_seen=time.time())

    def with_language(self, language: str) -> Session:
        return replace(self, language=language)


class Seal:
    """Seals and opens cookie values; one purpose per seal, so a value of one cookie is no
    good in another."""

    def __init__(self, key: bytes, purpose: str) -> None:
        if len(key) != 32:
            raise ValueError("the session key must be 32 bytes")
        self._aead = AESGCM(key)
        self._purpose = purpose.encode()

    def seal(self, value: dict[str, Any]) -> str:
        nonce = os.urandom(_NONCE)
        sealed = nonce + self._aead.encrypt(nonce, json.dumps(value).encode(), self._purpose)
        return base64.urlsafe_b64encode(sealed).decode().rstrip("=")

    def open(self, text: str | None) -> dict[str, Any] | None:
        """The value, or None for anything not sealed by this seal (forged, cut, old key)."""
        if not text or len(text) > 8192:
            return None
        try:
            sealed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            opened = self._aead.decrypt(sealed[:_NONCE], sealed[_NONCE:], self._purpose)
            value = json.loads(opened)
        except (binascii.Error, ValueError, InvalidTag):
            return None
        return value if isinstance(value, dict) else None


class Sessions:
    def __init__(self, key: bytes, idle_seconds: float, longest_seconds: float) -> None:
        self._seal = Seal(key, "steiger-web/session")
        self.signin = Seal(key, "steiger-web/signin")
        self.idle_seconds = idle_seconds
        self.longest_seconds = longest_seconds

    def seal(self, session: Session) -> str:
        return self._seal.seal(asdict(session))

    def open(self, text: str | None) -> Session | None:
        """The session, while it lasts."""
        value = self._seal.open(text)
        if value is None:
            return None
        try:
            session = Session(
                **{**value, "roles": tuple(value["roles"]), "teams": tuple(value["teams"])}
            )
        except (TypeError, KeyError):
            return None
        now = time.time()
        if (
            now - session.last_seen > self.idle_seconds
            or now - session.started > self.longest_seconds
            or now >= session.token_expires
        ):
            return None
        return session


def same_token(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())
