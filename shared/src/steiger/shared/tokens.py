"""Checking OAuth 2 / OpenID Connect access tokens: JWTs signed by the organisation's issuer
(Keycloak, as Dutch municipalities run it, or the development issuer of `steiger run`).

A token is accepted when it is signed with RS256 or ES256 by a key in the issuer's JWKS
(found through `<issuer>/.well-known/openid-configuration`), names that issuer and this
audience, and is within its `nbf`/`exp` (give or take a small clock skew). The algorithm is
the issuer's, never the token's choice: `alg: none`, HS256 signed with a public key and any
other algorithm are refused before a key is looked at. PyJWT does the cryptography.

Keys are cached. A token signed with a key the cache does not know (the issuer rotated its
keys) makes it fetch the JWKS again, at most once per `refresh_interval`, so a flood of
made-up key ids cannot make the service hammer its issuer.

A verified token is remembered until it expires: a client sends the same token with every
request, and checking a signature again costs more than the request's own work
(docs/benchmarks.md, "Measurements behind the code").
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt

ALGORITHMS = ("RS256", "ES256")
LEEWAY_SECONDS = 30
"""The clock skew allowed between the issuer and the service."""
KEYCLOAK_ROLES = "realm_access.roles"
REMEMBERED_TOKENS = 10_000


class InvalidToken(Exception):
    """Unauthorized"""


@dataclass(frozen=True)
class Caller:
    """Who sends a request, as their token says."""

    subject: str
    roles: frozenset[str]
    client: str | None = None
    """The client the token was issued to (`azp`, or `client_id`)."""
    claims: Mapping[str, Any] = field(default_factory=dict, repr=False)


def fetch_json(url: str, timeout: float = 5.0) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (configured URL)
        return json.load(response)


class IssuerKeys:
    """The issuer's signing keys, by key id, from the JWKS its discovery document names."""

    def __init__(
        self,
        issuer: str,
        fetch: Callable[[str], Any] = fetch_json,
        refresh_interval: float = 30.0,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self._fetch = fetch
        self.refresh_interval = refresh_interval
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._lock = threading.Lock()
        self.fetches = 0
        """JWKS fetches since the service started."""

    def key_for(self, kid: str | None) -> jwt.PyJWK:
        key = self._keys.get(kid or "")
        if key is not None:
            return key
        with self._lock:
            key = self._keys.get(kid or "")
            if key is None and self._may_refresh():
                self._refresh()
                key = self._keys.get(kid or "")
        if key is None:
            raise InvalidToken("the token is signed with a key the issuer does not publish")
        return key

    def _may_refresh(self) -> bool:
        return self._fetched_at is None or (
            time.monotonic() - self._fetched_at >= self.refresh_interval
        )

    def _refresh(self) -> None:
        self._fetched_at = time.monotonic()
        self.fetches += 1
        discovery = self._fetch(f"{self.issuer}/.well-known/openid-configuration")
        jwks = jwt.PyJWKSet.from_dict(self._fetch(discovery["jwks_uri"]))
        self._keys = {key.key_id: key for key in jwks.keys if key.key_id}


def roles_in(claims: Mapping[str, Any], path: str) -> frozenset[str]:
    """The roles under a dotted claim path (Keycloak: `realm_access.roles`)."""
    found: Any = claims
    for part in path.split("."):
        found = found.get(part) if isinstance(found, Mapping) else None
    if not isinstance(found, list):
        return frozenset()
    return frozenset(role for role in found if isinstance(role, str))


class TokenVerifier:
    def __init__(
        self,
        keys: IssuerKeys,
        audience: str,
        roles_claim: str = KEYCLOAK_ROLES,
        leeway: float = LEEWAY_SECONDS,
    ) -> None:
        self.keys = keys
        self.audience = audience
        self.roles_claim = roles_claim
        self.leeway = leeway
        self._verified: dict[bytes, tuple[float, Caller]] = {}

    def verify(self, token: str) -> Caller:
        """The caller the token names; `InvalidToken` (whose message never repeats the
        token) for anything else."""
        digest = hashlib.sha256(token.encode(errors="replace")).digest()
        remembered = self._verified.get(digest)
        if remembered is not None:
            expires, caller = remembered
            if time.time() <= expires + self.leeway:
                return caller
            del self._verified[digest]
        caller = self._verify(token)
        if len(self._verified) >= REMEMBERED_TOKENS:
            self._verified.clear()  # rare: a cache this full is of tokens mostly gone
        self._verified[digest] = (float(caller.claims["exp"]), caller)
        return caller

    def _verify(self, token: str) -> Caller:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise InvalidToken("not a JWT") from None
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            raise InvalidToken(f"tokens are signed with {' or '.join(ALGORITHMS)}")
        key = self.keys.key_for(header.get("kid"))
        try:
            claims = jwt.decode(
                token,
                key=key,
                algorithms=[algorithm],
                audience=self.audience,
                issuer=self.keys.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidToken("the token has expired") from None
        except jwt.PyJWTError as error:
            raise InvalidToken(f"the token is not valid here: {type(error).__name__}") from None
        return Caller(
            subject=str(claims["sub"]),
            roles=roles_in(claims, self.roles_claim),
            client=claims.get("azp") or claims.get("client_id"),
            claims=claims,
        )
