"""The development issuer: an OpenID Connect issuer for the embedded defaults only, so that
`steiger run` stays one command without a Keycloak. It is never started when
`STEIGER_OIDC_ISSUER` names a real issuer, and says what it is wherever it shows.

It signs with one ES256 key, derived from a secret made once in `var/` (so tokens stay valid
across restarts), publishes the public key as a JWKS behind a discovery document, mints
tokens for `steiger token`, and issues service clients their tokens (OAuth 2 client
credentials) with a secret derived from the same one; a client named `partner-…` is a chain
partner's, and gets the partner role instead. The web app's users sign in with the
authorization code flow and PKCE (S256), as they would at the organisation's issuer: its
sign-in page offers the demo users below instead of asking for a password.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jwt.algorithms import ECAlgorithm

from steiger.shared.settings import secret_kept_in

DEFAULT_PORT = 8009
AUDIENCE = "steiger"
TOKEN_LIFETIME = dt.timedelta(hours=8)
"""A working day: development tokens are not refreshed."""
SERVICE_ROLE = "service"
PARTNER_ROLE = "partner"
PARTNER_CLIENTS = "partner-"
"""Clients whose id starts so are chain partners' (their feed), not Steiger's services."""
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
WARNING = "development issuer: for the embedded defaults only, never for real people's data"
WEB_CLIENT = "steiger-web"
"""The web app's client: public (no secret), so PKCE is what binds a code to its asker."""
CODE_LIFETIME_SECONDS = 60
DEMO_TEAM = "demo"


@dataclass(frozen=True)
class DemoUser:
    key: str
    name: str
    roles: tuple[str, ...]
    teams: tuple[str, ...] = (DEMO_TEAM,)

    @property
    def subject(self) -> str:
        """Stable across runs, so a demo mentor's caseload stays theirs."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:steiger:demo-user:{self.key}"))


DEMO_USERS = (
    DemoUser("mentor", "Anna de Vries", ("mentor",)),
    DemoUser("mentor-2", "Bram Jansen", ("mentor",)),
    DemoUser("team-lead", "Carla Smit", ("team-lead",)),
    DemoUser("privacy-officer", "Dirk Bakker", ("privacy-officer",), ()),
)
"""Whom the development issuer's sign-in page offers; `steiger run` registers the mentors
(and the team lead) in the participant service."""


@dataclass(frozen=True)
class _Grant:
    user: DemoUser
    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str | None
    expires: float


class DevelopmentIssuer:
    def __init__(self, var_dir: Path, url: str) -> None:
        self._secret = secret_kept_in(var_dir, "dev-issuer.secret")
        scalar = int.from_bytes(self._secret, "big") % (P256_ORDER - 1) + 1
        self._key = ec.derive_private_key(scalar, ec.SECP256R1())
        self.url = url.rstrip("/")
        public: dict[str, Any] = json.loads(ECAlgorithm.to_jwk(self._key.public_key()))
        self.key_id = _thumbprint(public)
        self.public_jwk = {**public, "kid": self.key_id, "alg": "ES256", "use": "sig"}

    def mint(
        self,
        subject: str,
        roles: Iterable[str],
        client: str = "steiger-cli",
        lifetime: dt.timedelta = TOKEN_LIFETIME,
        **claims: Any,
    ) -> str:
        """An access token with the roles where Keycloak puts them (`realm_access.roles`)."""
        now = dt.datetime.now(dt.UTC)
        payload = {
            "iss": self.url,
            "aud": AUDIENCE,
            "sub": subject,
            "azp": client,
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
            "jti": secrets.token_hex(8),
            "realm_access": {"roles": sorted(roles)},
            **claims,
        }
        return jwt.encode(payload, self._key, algorithm="ES256", headers={"kid": self.key_id})

    def client_secret(self, client_id: str) -> str:
        """A service client's secret (the runtime passes it to the service it starts)."""
        return hmac.new(self._secret, client_id.encode(), hashlib.sha256).hexdigest()

    def id_token(self, user: DemoUser, client_id: str, nonce: str | None) -> str:
        now = dt.datetime.now(dt.UTC)
        payload = {
            "iss": self.url,
            "aud": client_id,
            "sub": user.subject,
            "iat": now,
            "exp": now + TOKEN_LIFETIME,
            "name": user.name,
            **({"nonce": nonce} if nonce else {}),
        }
        return jwt.encode(payload, self._key, algorithm="ES256", headers={"kid": self.key_id})

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "jwks_uri": f"{self.url}/jwks",
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "end_session_endpoint": f"{self.url}/logout",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "client_credentials"],
            "code_challenge_methods_supported": ["S256"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "none"],
            "steiger_warning": WARNING,
        }

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.public_jwk]}


def _thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638: the key's id is a hash of its required members."""
    members = {name: jwk[name] for name in ("crv", "kty", "x", "y")}
    digest = hashlib.sha256(json.dumps(members, separators=(",", ":")).encode()).digest()
    return jwt.utils.base64url_encode(digest).decode()


def issuer_app(issuer: DevelopmentIssuer) -> FastAPI:
    app = FastAPI(title="Steiger development issuer", description=WARNING)

    @app.get("/.well-known/openid-configuration")
    async def discovery() -> dict[str, Any]:
        return issuer.discovery()

    @app.get("/jwks")
    async def jwks() -> dict[str, Any]:
        return issuer.jwks()

    grants: dict[str, _Grant] = {}

    @app.get("/authorize", response_class=HTMLResponse, summary="Sign-in: pick a demo user")
    async def authorize(request: Request) -> HTMLResponse:
        asked = _authorization_request(dict(request.query_params))
        hidden = "".join(
            f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
            for k, v in asked.items()
        )
        buttons = "".join(
            f'<li><button name="user" value="{escape(u.key)}">{escape(u.name)}</button> '
            f"<span>{escape(', '.join(u.roles))}</span></li>"
            for u in DEMO_USERS
        )
        return HTMLResponse(
            f"""<!doctype html><html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Inloggen — ontwikkel-issuer</title>
<style>body{{font:1.1rem/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;
padding:0 1rem;color:#1a1a1a}}.warning{{background:#fff4d6;border-left:.3rem solid #b35c00;
padding:.5rem 1rem}}ul{{list-style:none;padding:0}}li{{margin:.75rem 0}}button{{font:inherit;
padding:.5rem 1rem;min-width:14rem;text-align:left;cursor:pointer;background:#01689b;
color:#fff;border:0;border-radius:.25rem}}button:focus{{outline:3px solid #000;
outline-offset:2px}}</style></head><body><main>
<h1>Inloggen bij Steiger</h1>
<p class="warning" role="note">{escape(WARNING)}</p>
<form method="post" action="/authorize">{hidden}<ul>{buttons}</ul></form>
</main></body></html>"""
        )

    @app.post("/authorize", summary="Sign-in: the chosen demo user goes back with a code")
    async def authorized(request: Request) -> RedirectResponse:
        form = _form(await request.body())
        asked = _authorization_request(form)
        user = next((u for u in DEMO_USERS if u.key == form.get("user")), None)
        if user is None:
            raise HTTPException(400, "unknown user")
        code = secrets.token_urlsafe(24)
        grants[code] = _Grant(
            user,
            asked["client_id"],
            asked["redirect_uri"],
            asked["code_challenge"],
            asked.get("nonce"),
            time.monotonic() + CODE_LIFETIME_SECONDS,
        )
        answer = {"code": code, **({"state": asked["state"]} if "state" in asked else {})}
        return RedirectResponse(f"{asked['redirect_uri']}?{urlencode(answer)}", status_code=303)

    @app.get("/logout", summary="Sign-out: back to where the client asked")
    async def logout(post_logout_redirect_uri: str = "") -> Any:
        if post_logout_redirect_uri and _on_this_machine(post_logout_redirect_uri):
            return RedirectResponse(post_logout_redirect_uri, status_code=303)
        return HTMLResponse('<!doctype html><html lang="nl"><title>Uitgelogd</title><p>Uitgelogd.')

    @app.post("/token", summary="A service's own token, or a signed-in user's for a code")
    async def token(request: Request) -> dict[str, Any]:
        form = _form(await request.body())
        if form.get("grant_type") == "authorization_code":
            return _exchange(form)
        if form.get("grant_type") != "client_credentials":
            raise HTTPException(400, "unsupported_grant_type")
        client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        if not client_id or not hmac.compare_digest(
            client_secret.encode(), issuer.client_secret(client_id).encode()
        ):
            raise HTTPException(401, "invalid_client")
        lifetime = dt.timedelta(minutes=15)
        role = PARTNER_ROLE if client_id.startswith(PARTNER_CLIENTS) else SERVICE_ROLE
        access_token = issuer.mint(client_id, [role], client=client_id, lifetime=lifetime)
        return {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": int(lifetime.total_seconds()),
        }

    def _exchange(form: dict[str, str]) -> dict[str, Any]:
        grant = grants.pop(form.get("code", ""), None)  # a code is used once
        if (
            grant is None
            or grant.expires < time.monotonic()
            or grant.client_id != form.get("client_id")
            or grant.redirect_uri != form.get("redirect_uri")
        ):
            raise HTTPException(400, "invalid_grant")
        verifier = form.get("code_verifier", "").encode()
        challenge = jwt.utils.base64url_encode(hashlib.sha256(verifier).digest()).decode()
        if not verifier or not hmac.compare_digest(challenge, grant.code_challenge):
            raise HTTPException(400, "invalid_grant")
        user = grant.user
        access_token = issuer.mint(
            user.subject, user.roles, client=grant.client_id, name=user.name, teams=list(user.teams)
        )
        return {
            "access_token": access_token,
            "id_token": issuer.id_token(user, grant.client_id, grant.nonce),
            "token_type": "Bearer",
            "expires_in": int(TOKEN_LIFETIME.total_seconds()),
            "scope": "openid",
        }

    return app


def _form(body: bytes) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(body[:8192].decode(errors="replace")).items()}


def _on_this_machine(url: str) -> bool:
    """The development issuer sends users back to loopback addresses only."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.hostname in ("127.0.0.1", "localhost")


def _authorization_request(asked: dict[str, str]) -> dict[str, str]:
    """What a client asked for, checked: the web app's client, a code with PKCE (S256), back
    to an address on this machine."""
    if asked.get("client_id") != WEB_CLIENT:
        raise HTTPException(400, "unknown client_id")
    if asked.get("response_type") != "code":
        raise HTTPException(400, "unsupported response_type: only code")
    if asked.get("code_challenge_method") != "S256" or not asked.get("code_challenge"):
        raise HTTPException(400, "PKCE required: code_challenge with code_challenge_method S256")
    if not _on_this_machine(asked.get("redirect_uri", "")):
        raise HTTPException(400, "redirect_uri must be on this machine")
    names = ("client_id", "response_type", "redirect_uri", "code_challenge",
             "code_challenge_method", "state", "nonce", "scope")  # fmt: skip
    return {name: asked[name][:512] for name in names if name in asked}


def serve(var_dir: Path, port: int) -> None:
    """Runs the development issuer (a process of `steiger run`'s own)."""
    import uvicorn

    issuer = DevelopmentIssuer(var_dir, f"http://127.0.0.1:{port}")
    uvicorn.run(issuer_app(issuer), host="127.0.0.1", port=port, log_level="warning")


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=WARNING)
    parser.add_argument("--var-dir", type=Path, default=Path("var"))
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    arguments = parser.parse_args(argv)
    serve(arguments.var_dir, arguments.port)


if __name__ == "__main__":
    main()
