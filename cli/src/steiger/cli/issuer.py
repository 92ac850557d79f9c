"""The development issuer: an OpenID Connect issuer for the embedded defaults only, so that
`steiger run` stays one command without a Keycloak. It is never started when
`STEIGER_OIDC_ISSUER` names a real issuer, and says what it is wherever it shows.

It signs with one ES256 key, derived from a secret made once in `var/` (so tokens stay valid
across restarts), publishes the public key as a JWKS behind a discovery document, mints
tokens for `steiger token`, and issues service clients their tokens (OAuth 2 client
credentials) with a secret derived from the same one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import FastAPI, HTTPException, Request
from jwt.algorithms import ECAlgorithm

from steiger.shared.settings import secret_kept_in

DEFAULT_PORT = 8009
AUDIENCE = "steiger"
TOKEN_LIFETIME = dt.timedelta(hours=8)
"""A working day: development tokens are not refreshed."""
SERVICE_ROLE = "service"
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
WARNING = "development issuer: for the embedded defaults only, never for real people's data"


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

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "jwks_uri": f"{self.url}/jwks",
            "token_endpoint": f"{self.url}/token",
            "grant_types_supported": ["client_credentials"],
            "id_token_signing_alg_values_supported": ["ES256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
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

    @app.post("/token", summary="Client credentials: a service's own token")
    async def token(request: Request) -> dict[str, Any]:
        form = parse_qs((await request.body())[:4096].decode(errors="replace"))
        grant_type, client_id, client_secret = (
            form.get(name, [""])[0] for name in ("grant_type", "client_id", "client_secret")
        )
        if grant_type != "client_credentials":
            raise HTTPException(400, "unsupported_grant_type")
        if not client_id or not hmac.compare_digest(
            client_secret.encode(), issuer.client_secret(client_id).encode()
        ):
            raise HTTPException(401, "invalid_client")
        lifetime = dt.timedelta(minutes=15)
        access_token = issuer.mint(client_id, [SERVICE_ROLE], client=client_id, lifetime=lifetime)
        return {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": int(lifetime.total_seconds()),
        }

    return app


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
