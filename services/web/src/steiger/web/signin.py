"""Sign-in with the organisation's OpenID Connect issuer: the authorization code flow with
PKCE (S256), the web app being a public client. Authlib makes the authorization address and
exchanges the code; the tokens are checked as the services check them (`steiger.shared.tokens`):
the ID token for this client and the sign-in's nonce, the access token for Steiger.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import AsyncOAuth2Client

from steiger.shared.tokens import IssuerKeys, TokenVerifier
from steiger.web.sessions import Session

AUDIENCE = "steiger"


class SigninFailed(Exception):
    """The issuer's answer could not be used (expired sign-in, wrong state, bad token)."""


class Issuer:
    def __init__(self, url: str, client_id: str, redirect_uri: str) -> None:
        self.url = url.rstrip("/")
        self.client_id = client_id
        self.redirect_uri = redirect_uri
        keys = IssuerKeys(self.url)
        self.access_tokens = TokenVerifier(keys, AUDIENCE)
        self.id_tokens = TokenVerifier(keys, client_id)
        self._discovery: dict[str, Any] | None = None

    async def discovery(self) -> dict[str, Any]:
        if self._discovery is None:
            async with httpx.AsyncClient(timeout=5.0) as http:
                response = await http.get(f"{self.url}/.well-known/openid-configuration")
                response.raise_for_status()
                self._discovery = response.json()
        return self._discovery

    def _client(self) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            client_id=self.client_id,
            token_endpoint_auth_method="none",
            scope="openid profile",
            redirect_uri=self.redirect_uri,
            code_challenge_method="S256",
        )

    async def begin(self) -> tuple[str, dict[str, str]]:
        """Where to send the user, and what to keep until they come back."""
        discovery = await self.discovery()
        pending = {
            "state": generate_token(32),
            "nonce": generate_token(32),
            "verifier": generate_token(64),
            "at": str(time.time()),
        }
        async with self._client() as client:
            url, _ = client.create_authorization_url(
                discovery["authorization_endpoint"],
                state=pending["state"],
                code_verifier=pending["verifier"],
                nonce=pending["nonce"],
            )
        return url, pending

    async def finish(self, pending: dict[str, str], code: str) -> Session:
        """The session of the user the issuer sent back with `code`."""
        discovery = await self.discovery()
        async with self._client() as client:
            try:
                token = await client.fetch_token(
                    discovery["token_endpoint"],
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=pending["verifier"],
                )
            except Exception as error:  # authlib raises its own errors and httpx's
                raise SigninFailed(f"the issuer refused the code: {type(error).__name__}") from None
        try:
            identity = self.id_tokens.check(str(token["id_token"]))
            caller = self.access_tokens.check(str(token["access_token"]))
        except Exception as error:
            raise SigninFailed(f"the issuer's tokens are not valid: {error}") from None
        if identity.claims.get("nonce") != pending["nonce"] or identity.subject != caller.subject:
            raise SigninFailed("the ID token is not of this sign-in")
        name = identity.claims.get("name") or caller.claims.get("name") or caller.subject
        return Session(
            subject=caller.subject,
            name=str(name),
            roles=tuple(sorted(caller.roles)),
            teams=tuple(sorted(caller.teams)),
            access_token=str(token["access_token"]),
            token_expires=float(caller.claims["exp"]),
            id_token=str(token["id_token"]),
        )

    async def signout_url(self, id_token: str | None, back_to: str) -> str | None:
        """Where to end the session at the issuer too, if it says (RP-initiated logout)."""
        end = (await self.discovery()).get("end_session_endpoint")
        if not end:
            return None
        asked = {"post_logout_redirect_uri": back_to, "client_id": self.client_id}
        if id_token:
            asked["id_token_hint"] = id_token
        return f"{end}?{urlencode(asked)}"
