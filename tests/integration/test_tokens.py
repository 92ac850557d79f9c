"""Access tokens checked against a real issuer over HTTP (the development issuer, served by
uvicorn): what is accepted, and every way a token is refused (issue 25, sign-in)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from steiger.cli.issuer import AUDIENCE, DevelopmentIssuer
from steiger.shared.tokens import Caller, InvalidToken, IssuerKeys, TokenVerifier, fetch_json

from ..conftest import free_port


def verifier_of(issuer: DevelopmentIssuer, **kwargs) -> TokenVerifier:
    return TokenVerifier(IssuerKeys(issuer.url, **kwargs), audience=AUDIENCE)


def test_a_token_from_the_issuer_names_its_subject_roles_and_client(issuer):
    token = issuer.mint("mentor-7", ["mentor"], client="steiger-web")
    caller = verifier_of(issuer).verify(token)
    assert caller == Caller("mentor-7", frozenset({"mentor"}), "steiger-web", claims=caller.claims)


def test_keys_are_fetched_once_and_kept(issuer):
    keys = IssuerKeys(issuer.url)
    verifier = TokenVerifier(keys, audience=AUDIENCE)
    for role in ("mentor", "operator", "team-lead"):
        verifier.verify(issuer.mint("someone", [role]))
    assert keys.fetches == 1


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"exp": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}, "expired"),
        ({"nbf": dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)}, "not valid"),
        ({"aud": "another-system"}, "not valid"),
        ({"iss": "https://keycloak.example.org/realms/other"}, "not valid"),
    ],
)
def test_a_token_for_another_time_audience_or_issuer_is_refused(issuer, change, why):
    with pytest.raises(InvalidToken, match=why):
        verifier_of(issuer).verify(issuer.mint("mentor-7", ["mentor"], **change))


def test_a_token_within_the_clock_skew_is_still_accepted(issuer):
    just_expired = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=10)
    assert verifier_of(issuer).verify(issuer.mint("m", ["mentor"], exp=just_expired))


def test_unsigned_and_symmetrically_signed_tokens_are_refused(issuer):
    claims = jwt.decode(issuer.mint("m", ["mentor"]), options={"verify_signature": False})
    unsigned = jwt.encode(claims, key=None, algorithm="none")
    # the classic confusion: HS256 with the issuer's *public* key as the shared secret
    jwks = fetch_json(f"{issuer.url}/jwks")
    confused = jwt.encode(
        claims, key=str(jwks).encode(), algorithm="HS256", headers={"kid": issuer.key_id}
    )
    verifier = verifier_of(issuer)
    for token in (unsigned, confused):
        with pytest.raises(InvalidToken, match="signed with RS256 or ES256"):
            verifier.verify(token)


def test_a_token_signed_by_another_key_is_refused(issuer, tmp_path):
    impostor = DevelopmentIssuer(tmp_path / "elsewhere", issuer.url)  # same names, own key
    with pytest.raises(InvalidToken, match="key the issuer does not publish"):
        verifier_of(issuer).verify(impostor.mint("m", ["privacy-officer"]))
    forged = jwt.encode(
        jwt.decode(impostor.mint("m", ["operator"]), options={"verify_signature": False}),
        ec.generate_private_key(ec.SECP256R1()),
        algorithm="ES256",
        headers={"kid": issuer.key_id},  # claims the issuer's key
    )
    with pytest.raises(InvalidToken, match="not valid here: InvalidSignatureError"):
        verifier_of(issuer).verify(forged)


def test_garbage_is_refused_without_repeating_it(issuer):
    for token in ("", "not-a-token", "a.b.c", "x" * 10_000):
        with pytest.raises(InvalidToken) as refused:
            verifier_of(issuer).verify(token)
        assert token[:20] not in str(refused.value) or not token


def test_an_unknown_key_id_fetches_the_keys_again_but_not_at_every_request(issuer):
    keys = IssuerKeys(issuer.url, refresh_interval=0.5)
    verifier = TokenVerifier(keys, audience=AUDIENCE)
    verifier.verify(issuer.mint("m", ["mentor"]))
    made_up = jwt.encode({"sub": "x"}, ec.generate_private_key(ec.SECP256R1()), "ES256",
                         headers={"kid": "made-up"})  # fmt: skip
    for _ in range(20):
        with pytest.raises(InvalidToken):
            verifier.verify(made_up)
    assert keys.fetches == 1  # within the refresh interval: the flood costs the issuer nothing
    time.sleep(0.6)  # the refresh interval passes
    with pytest.raises(InvalidToken):
        verifier.verify(made_up)
    assert keys.fetches == 2


def test_keycloak_roles_and_a_configured_claim(issuer):
    token = issuer.mint("m", ["mentor"], groups={"steiger": ["team-lead"]})
    keys = IssuerKeys(issuer.url)
    assert TokenVerifier(keys, AUDIENCE).verify(token).roles == {"mentor"}
    configured = TokenVerifier(keys, AUDIENCE, roles_claim="groups.steiger")
    assert configured.verify(token).roles == {"team-lead"}
    assert TokenVerifier(keys, AUDIENCE, roles_claim="absent.claim").verify(token).roles == set()


def test_a_service_gets_its_own_token_with_its_client_credentials(issuer):
    client = "steiger-notifications"
    answer = httpx.post(
        f"{issuer.url}/token",
        data={"grant_type": "client_credentials", "client_id": client,
              "client_secret": issuer.client_secret(client)},
    )  # fmt: skip
    assert answer.status_code == 200
    caller = verifier_of(issuer).verify(answer.json()["access_token"])
    assert (caller.subject, caller.roles, caller.client) == (client, {"service"}, client)
    wrong = httpx.post(
        f"{issuer.url}/token",
        data={"grant_type": "client_credentials", "client_id": client,
              "client_secret": issuer.client_secret("steiger-participant")},
    )  # fmt: skip
    assert wrong.status_code == 401


def test_the_issuer_keeps_its_key_across_restarts(issuer, tmp_path):
    again = DevelopmentIssuer(tmp_path, issuer.url)
    assert again.key_id == issuer.key_id
    assert verifier_of(issuer).verify(again.mint("m", ["mentor"])).subject == "m"


def test_steiger_token_prints_a_token_the_services_accept(issuer, tmp_path):
    printed = subprocess.run(
        [sys.executable, "-m", "steiger.cli", "token", "--subject", "mentor-7",
         "--role", "mentor", "--role", "team-lead", "--team", "noord", "--var-dir", str(tmp_path)],
        env={**without_issuer(), "STEIGER_DEV_ISSUER_URL": issuer.url},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    caller = verifier_of(issuer).verify(printed.stdout.strip())
    assert (caller.subject, caller.roles) == ("mentor-7", {"mentor", "team-lead"})
    assert caller.teams == {"noord"}


def without_issuer() -> dict[str, str]:
    """The environment as on a machine that configured no issuer (the tests' has one)."""
    return {k: v for k, v in os.environ.items() if k != "STEIGER_OIDC_ISSUER"}


def test_steiger_token_refuses_when_a_real_issuer_is_configured(tmp_path):
    refused = subprocess.run(
        [sys.executable, "-m", "steiger.cli", "token", "--subject", "m", "--role", "mentor",
         "--var-dir", str(tmp_path)],
        env={**os.environ, "STEIGER_OIDC_ISSUER": "https://keycloak.example.org/realms/x"},
        capture_output=True, text=True,
    )  # fmt: skip
    assert refused.returncode == 2 and not refused.stdout.startswith("ey")


def test_a_verified_token_is_remembered_until_it_expires(issuer):
    verifier = verifier_of(issuer)
    # expires (with the skew) in two to three seconds: `exp` is whole seconds, cut down
    soon = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=verifier.leeway - 3)
    token = issuer.mint("m", ["mentor"], exp=soon)
    assert verifier.verify(token) is verifier.verify(token)  # the second one remembered
    time.sleep(3.5)
    with pytest.raises(InvalidToken, match="expired"):
        verifier.verify(token)


def test_an_issuer_that_cannot_be_reached_is_503_and_not_asked_again_at_once(tmp_path):
    from fastapi.testclient import TestClient

    from steiger.bridge.main import parts
    from steiger.bridge.settings import Settings
    from steiger.shared.service import build_api

    from ..access import bearer

    away = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    service = parts(Settings(var_dir=tmp_path, oidc_issuer=away))
    with TestClient(build_api(service), headers=bearer("mentor")) as client:
        first = client.get("/definitions")
        again = client.get("/definitions")
        keys = client.app.state.door.verifier.keys
    assert first.status_code == again.status_code == 503
    assert first.headers["content-type"] == "application/problem+json"
    assert first.headers["retry-after"] == "5"
    assert keys.fetches == 1  # the second request did not wait on the issuer again
    service.application.close()
