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
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt

ALGORITHMS = ("RS256", "ES256")
LEEWAY_SECONDS = 30
"""The clock skew allowed between the issuer and the service."""
KEYCLOAK_ROLES = "realm_access.roles"
TEAMS = "teams"
"""Where a team lead's teams are (in Keycloak, a group membership mapper named so)."""
REMEMBERED_TOKENS = 10_000
UNAVAILABLE_PAUSE_SECONDS = 2.0
"""After the issuer could not be reached, how long requests that need its keys are answered
503 at once rather than each trying again."""


class InvalidToken(Exception):
    """Unauthorized"""


class IssuerUnavailable(Exception):
    """Service Unavailable"""


@dataclass(frozen=True)
class Caller:
    """Who sends a request, as their token says."""

    subject: str
    roles: frozenset[str]
    client: str | None = None
    """The client the token was issued to (`azp`, or `client_id`)."""
    teams: frozenset[str] = frozenset()
    """The teams whose caseloads a team lead oversees."""
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
        self._unavailable_until = 0.0
        self._lock = threading.Lock()
        self.fetches = 0
        """JWKS fetches since the service started."""

    def key_for(self, kid: str | None) -> jwt.PyJWK:
        key = self._keys.get(kid or "")
        if key is not None:
            return key
        if time.monotonic() < self._unavailable_until:
            raise IssuerUnavailable("the issuer's keys could not be fetched; try again")
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
        try:
            discovery = self._fetch(f"{self.issuer}/.well-known/openid-configuration")
            jwks = jwt.PyJWKSet.from_dict(self._fetch(discovery["jwks_uri"]))
        except (OSError, ValueError, KeyError, TypeError, jwt.PyJWTError) as error:
            # asked again after a short pause: no request waits on an issuer known to be away
            self._fetched_at = None
            self._unavailable_until = time.monotonic() + UNAVAILABLE_PAUSE_SECONDS
            raise IssuerUnavailable(
                f"the issuer's keys could not be fetched ({type(error).__name__}); try again"
            ) from error
        self._keys = {key.key_id: key for key in jwks.keys if key.key_id}


def roles_in(claims: Mapping[str, Any], path: str) -> frozenset[str]:
    """The names listed under a dotted claim path (Keycloak's roles: `realm_access.roles`);
    Keycloak's group paths (`/team-noord`) count by their last part."""
    found: Any = claims
    for part in path.split("."):
        found = found.get(part) if isinstance(found, Mapping) else None
    if not isinstance(found, list):
        return frozenset()
    return frozenset(name.rsplit("/", 1)[-1] for name in found if isinstance(name, str))


class TokenVerifier:
    def __init__(
        self,
        keys: IssuerKeys,
        audience: str,
        roles_claim: str = KEYCLOAK_ROLES,
        leeway: float = LEEWAY_SECONDS,
        teams_claim: str = TEAMS,
    ) -> None:
        self.keys = keys
        self.audience = audience
        self.roles_claim = roles_claim
        self.teams_claim = teams_claim
        self.leeway = leeway
        self._verified: dict[bytes, tuple[float, Caller]] = {}

    def remembered(self, token: str) -> Caller | None:
        """The caller of a token verified before and not expired since: no I/O, no
        cryptography (safe on the event loop); None otherwise."""
        digest = hashlib.sha256(token.encode(errors="replace")).digest()
        remembered = self._verified.get(digest)
        if remembered is not None:
            expires, caller = remembered
            if time.time() <= expires + self.leeway:
                return caller
            self._verified.pop(digest, None)
        return None

    def verify(self, token: str) -> Caller:
        """The caller the token names; `InvalidToken` (whose message never repeats the
        token) for anything else."""
        remembered = self.remembered(token)
        if remembered is not None:
            return remembered
        digest = hashlib.sha256(token.encode(errors="replace")).digest()
        caller = self.check(token)
        if len(self._verified) >= REMEMBERED_TOKENS:
            self._verified.clear()  # rare: a cache this full is of tokens mostly gone
        self._verified[digest] = (float(caller.claims["exp"]), caller)
        return caller

    def check(self, token: str) -> Caller:
        """The whole check of a token, remembered or not (`verify` remembers)."""
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
            teams=roles_in(claims, self.teams_claim),
            claims=claims,
        )


class TokenUnavailable(Exception):
    """The service could not get a token of its own (no secret, or the issuer is away)."""


class ServiceCredentials:
    """A service's own access token, for calling another service: OAuth 2 client credentials
    at the issuer's token endpoint, kept until a minute before it expires. Thread-safe; the
    first call (and one per token lifetime) does HTTP: call it off the event loop."""

    RENEW_BEFORE_SECONDS = 60

    def __init__(
        self,
        issuer: str,
        client_id: str,
        client_secret: str | None,
        fetch: Callable[[str], Any] = fetch_json,
        timeout: float = 10.0,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self._secret = client_secret
        self._fetch = fetch
        self._timeout = timeout
        self._token: str | None = None
        self._renew_at = 0.0
        self._lock = threading.Lock()

    def token(self) -> str:
        with self._lock:
            if self._token is None or time.monotonic() >= self._renew_at:
                self._token, lifetime = self._request()
                self._renew_at = time.monotonic() + max(lifetime - self.RENEW_BEFORE_SECONDS, 0)
            return self._token

    def headers(self, on_behalf_of: str | None = None) -> dict[str, str]:
        """The Authorization header, and whom the call is made for (for the audit trail)."""
        headers = {"Authorization": f"Bearer {self.token()}"}
        if on_behalf_of:
            headers[ON_BEHALF_OF] = on_behalf_of
        return headers

    def _request(self) -> tuple[str, float]:
        if not self._secret:
            raise TokenUnavailable(
                f"no client secret for {self.client_id}: set STEIGER_<SERVICE>_CLIENT_SECRET"
            )
        try:
            return self._ask()
        except (OSError, ValueError, KeyError) as error:
            raise TokenUnavailable(f"the issuer gave no token: {type(error).__name__}") from error

    def _ask(self) -> tuple[str, float]:
        endpoint = self._fetch(f"{self.issuer}/.well-known/openid-configuration")["token_endpoint"]
        form = urllib.parse.urlencode(
            {
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self._secret,
            }
        ).encode()
        request = urllib.request.Request(endpoint, data=form, method="POST")  # noqa: S310
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        with urllib.request.urlopen(request, timeout=self._timeout) as response:  # noqa: S310
            answer = json.load(response)
        return str(answer["access_token"]), float(answer.get("expires_in", 300))


ON_BEHALF_OF = "X-On-Behalf-Of"
"""The header a service's call names its own caller in (the privacy officer whose export it
gathers): the callee records it in its audit trail."""
