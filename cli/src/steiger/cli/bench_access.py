"""What checking a token costs a request (issue 25): with the issuer's keys warm and the token
seen before (a client sends the same one with every request), and a token's first check (its
signature: ES256 as the development issuer signs, RS256 as Keycloak does by default). What
the whole door and the audit trail cost shows in the backbone benchmark, which runs with
them on."""

from __future__ import annotations

import datetime as dt
import json
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from steiger.cli.issuer import AUDIENCE, DevelopmentIssuer
from steiger.shared.tokens import IssuerKeys, TokenVerifier

URL = "https://issuer.example"


def _per_call_ms(work: Callable[[], object], calls: int) -> float:
    """The median over five rounds of the mean time a call took."""
    rounds = []
    for _ in range(5):
        began = time.perf_counter()
        for _ in range(calls):
            work()
        rounds.append((time.perf_counter() - began) / calls)
    return round(statistics.median(rounds) * 1000, 4)


def _documents(jwks: dict[str, Any]) -> Callable[[str], Any]:
    """The issuer's discovery document and JWKS, as its HTTP answers would be (the keys are
    fetched once, before the measuring: warm)."""
    return lambda url: jwks if url.endswith("/jwks") else {"jwks_uri": f"{URL}/jwks"}


def bench_access(calls: int = 5000) -> dict[str, Any]:
    issuer = DevelopmentIssuer(Path(tempfile.mkdtemp(prefix="steiger-bench-")), URL)
    es256 = TokenVerifier(IssuerKeys(URL, fetch=_documents(issuer.jwks())), AUDIENCE)
    token = issuer.mint(str(uuid.uuid4()), ["mentor"])
    es256.verify(token)  # the keys fetched, the token remembered

    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(RSAAlgorithm.to_jwk(rsa_key.public_key()))
    rs256 = TokenVerifier(
        IssuerKeys(URL, fetch=_documents({"keys": [{**public, "kid": "rsa", "alg": "RS256"}]})),
        AUDIENCE,
    )

    def rs256_token() -> str:
        now = dt.datetime.now(dt.UTC)
        claims = {
            "iss": URL, "aud": AUDIENCE, "sub": str(uuid.uuid4()), "iat": now,
            "exp": now + dt.timedelta(hours=1), "realm_access": {"roles": ["mentor"]},
        }  # fmt: skip
        return jwt.encode(claims, rsa_key, "RS256", headers={"kid": "rsa"})

    rs256.verify(rs256_token())  # keys fetched
    fresh_es = [issuer.mint(str(uuid.uuid4()), ["mentor"]) for _ in range(calls // 10)]
    fresh_rs = [rs256_token() for _ in range(calls // 10)]
    es_iter, rs_iter = iter(fresh_es * 5), iter(fresh_rs * 5)
    return {
        "token_check_warm_ms": _per_call_ms(lambda: es256.verify(token), calls),
        "first_check_es256_ms": _per_call_ms(lambda: es256.check(next(es_iter)), calls // 10),
        "first_check_rs256_ms": _per_call_ms(lambda: rs256.check(next(rs_iter)), calls // 10),
        "note": "a client sends the same token with every request: after its first check it "
        "is remembered until it expires (token_check_warm_ms); the backbone benchmark runs "
        "with sign-in, caseloads and the audit trail on",
    }
