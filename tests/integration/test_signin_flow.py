"""The web app's sign-in against a real issuer over HTTP (the development issuer, served by
uvicorn): the authorization code flow with PKCE, and every way a code is refused, so that a
stolen or replayed code, a missing verifier or a redirect off the machine gets nobody in."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from steiger.cli.issuer import DEMO_USERS, WEB_CLIENT, DevelopmentIssuer
from steiger.web.signin import Issuer, SigninFailed

CALLBACK = "http://127.0.0.1:8000/signin/callback"


def challenge_of(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


def code_for(issuer: DevelopmentIssuer, user: str, verifier: str = "v" * 50, **asked: str) -> str:
    form = {
        "client_id": WEB_CLIENT,
        "response_type": "code",
        "redirect_uri": CALLBACK,
        "code_challenge": challenge_of(verifier),
        "code_challenge_method": "S256",
        "state": "s1",
        "nonce": "n1",
        "user": user,
        **asked,
    }
    answer = httpx.post(f"{issuer.url}/authorize", data=form)
    assert answer.status_code == 303, answer.text
    back = urlsplit(answer.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == CALLBACK
    query = parse_qs(back.query)
    assert query["state"] == [form["state"]]
    return query["code"][0]


def exchange(issuer: DevelopmentIssuer, code: str, verifier: str = "v" * 50, **form: str):
    return httpx.post(
        f"{issuer.url}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "code_verifier": verifier,
            "client_id": WEB_CLIENT,
            "redirect_uri": CALLBACK,
            **form,
        },
    )


async def test_the_web_app_signs_a_demo_mentor_in_with_pkce(issuer) -> None:
    app = Issuer(issuer.url, WEB_CLIENT, CALLBACK)
    url, pending = await app.begin()
    asked = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert asked["code_challenge_method"] == "S256"
    assert asked["code_challenge"] == challenge_of(pending["verifier"])
    assert "code_verifier" not in asked
    page = httpx.get(url)
    assert page.status_code == 200 and "Anna de Vries" in page.text
    code = code_for(
        issuer, "mentor", verifier=pending["verifier"], state=pending["state"],
        nonce=pending["nonce"], code_challenge=asked["code_challenge"],
    )  # fmt: skip
    session = await app.finish(pending, code)
    anna = next(u for u in DEMO_USERS if u.key == "mentor")
    assert (session.subject, session.name, session.roles, session.teams) == (
        anna.subject, "Anna de Vries", ("mentor",), ("demo",),
    )  # fmt: skip


async def test_a_code_of_another_sign_in_is_refused(issuer) -> None:
    """The ID token must carry this sign-in's nonce: a code obtained elsewhere is no good."""
    app = Issuer(issuer.url, WEB_CLIENT, CALLBACK)
    _, pending = await app.begin()
    code = code_for(issuer, "mentor", verifier=pending["verifier"], nonce="someone-elses")
    with pytest.raises(SigninFailed):
        await app.finish(pending, code)


def test_a_code_is_good_once_with_its_own_verifier(issuer) -> None:
    code = code_for(issuer, "mentor")
    assert exchange(issuer, code, verifier="w" * 50).status_code == 400  # not its verifier
    code = code_for(issuer, "mentor")
    assert exchange(issuer, code).status_code == 200
    assert exchange(issuer, code).status_code == 400  # replayed
    code = code_for(issuer, "mentor")
    assert exchange(issuer, code, redirect_uri="http://127.0.0.1:9/other").status_code == 400
    code = code_for(issuer, "mentor")
    assert exchange(issuer, code, verifier="").status_code == 400


@pytest.mark.parametrize(
    "asked",
    [
        {"client_id": "someone-else"},
        {"response_type": "token"},
        {"code_challenge_method": "plain"},
        {"code_challenge": ""},
        {"redirect_uri": "https://attacker.example/callback"},
    ],
)
def test_the_sign_in_page_refuses_what_the_flow_does_not_allow(issuer, asked) -> None:
    query = {
        "client_id": WEB_CLIENT,
        "response_type": "code",
        "redirect_uri": CALLBACK,
        "code_challenge": challenge_of("v" * 50),
        "code_challenge_method": "S256",
        **asked,
    }
    assert httpx.get(f"{issuer.url}/authorize", params=query).status_code == 400
    assert (
        httpx.post(f"{issuer.url}/authorize", data={**query, "user": "mentor"}).status_code == 400
    )


def test_sign_out_returns_only_to_this_machine(issuer) -> None:
    home = httpx.get(f"{issuer.url}/logout", params={"post_logout_redirect_uri": CALLBACK})
    assert home.status_code == 303 and home.headers["location"] == CALLBACK
    away = httpx.get(
        f"{issuer.url}/logout", params={"post_logout_redirect_uri": "https://attacker.example/"}
    )
    assert away.status_code == 200 and "location" not in away.headers
