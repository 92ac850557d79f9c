"""Success stories: published only with the participant's approval of that very text and
while their success-story consent stands; named only when that consent includes the name;
a withdrawal takes them down, erasure destroys them; the hallway page shows what is out."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from steiger.participant.main import parts
from steiger.participant.settings import Settings
from steiger.shared.service import build_api

from ..access import mentor, staff
from .test_api import REGISTRATION

STORY = {
    "title": "Weer grip op mijn geld",
    "text": "Twee jaar geleden opende ik mijn post niet meer.\n\nNu heb ik een buffer.",
}
AT = "2026-11-20T10:00:00+01:00"


@pytest.fixture
def client(tmp_path):
    with TestClient(build_api(parts(Settings(var_dir=tmp_path))), headers=staff()) as client:
        yield client


def participant(client, **consent):
    body = REGISTRATION | {"bsn": None, "email": f"{uuid.uuid4().hex[:8]}@example.nl",
                           "external_id": None}  # fmt: skip
    pid = client.post("/participants", json=body).json()["participant_id"]
    if consent is not None and consent.get("grant", True):
        client.post(f"/participants/{pid}/consents",
                    json={"purpose": "success-story", "text_version": "2026-01",
                          "show_name": consent.get("show_name", False)})  # fmt: skip
    return pid


def written(client, pid):
    return client.post(f"/participants/{pid}/stories", json=STORY).json()["id"]


def approve(client, pid, story, revision=1):
    return client.post(f"/participants/{pid}/stories/{story}/approval",
                       json={"revision": revision, "approved_at": AT})  # fmt: skip


def publish(client, pid, story):
    return client.post(f"/participants/{pid}/stories/{story}/publication")


def test_a_story_is_out_only_after_its_text_is_approved_and_it_names_no_one_unasked(client):
    pid = participant(client)
    story = written(client, pid)
    refused = publish(client, pid, story)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "approval"
    assert client.get("/stories").json() == []
    assert approve(client, pid, story).status_code == 204
    assert publish(client, pid, story).status_code == 204
    (out,) = client.get("/stories").json()
    assert (out["title"], out["name"]) == (STORY["title"], None)  # pseudonymous
    page = client.get("/stories/page")
    assert page.status_code == 200 and "Een deelnemer" in page.text
    assert "Weer grip op mijn geld" in page.text and "Fatima" not in page.text
    assert "A participant" in client.get("/stories/page", params={"lang": "en"}).text

    # a new text goes down until the participant approves that one
    revised = client.put(f"/participants/{pid}/stories/{story}",
                         json={"title": "Grip", "text": "Een nieuwe tekst."})  # fmt: skip
    assert revised.status_code == 204 and client.get("/stories").json() == []
    stale = approve(client, pid, story, revision=1)
    assert stale.status_code == 409 and stale.json()["errors"][0]["field"] == "revision"
    assert publish(client, pid, story).status_code == 422
    approve(client, pid, story, revision=2)
    publish(client, pid, story)
    mine = client.get(f"/participants/{pid}/stories").json()
    assert [(s["revision"], s["approved"], s["published"]) for s in mine] == [(2, True, True)]


def test_without_consent_nothing_is_published_and_a_withdrawal_takes_it_down(client):
    pid = participant(client, grant=False)
    story = written(client, pid)
    approve(client, pid, story)
    refused = publish(client, pid, story)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "consent"
    named = {"purpose": "success-story", "text_version": "2026-01", "show_name": True}
    client.post(f"/participants/{pid}/consents", json=named)
    assert publish(client, pid, story).status_code == 204
    assert client.get("/stories").json()[0]["name"] == REGISTRATION["name"]  # consented
    client.delete(f"/participants/{pid}/consents/success-story")
    assert client.get("/stories").json() == []
    assert client.get(f"/participants/{pid}/stories").json()[0]["published"] is False
    # consent given again does not put it back by itself
    client.post(f"/participants/{pid}/consents",
                json={"purpose": "success-story", "text_version": "2026-01"})  # fmt: skip
    assert client.get("/stories").json() == []


def test_erasure_destroys_the_story(client, tmp_path):
    pid = participant(client)
    story = written(client, pid)
    approve(client, pid, story)
    publish(client, pid, story)
    assert client.delete(f"/participants/{pid}").status_code == 204
    assert client.get("/stories").json() == []
    assert client.get(f"/participants/{pid}/stories").status_code == 410
    assert publish(client, pid, story).status_code == 410
    stored = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert b"opende ik mijn post" not in stored  # sealed from the start, now unreadable


@pytest.mark.parametrize(
    ("body", "field"),
    [({"title": "", "text": "x"}, "body.title"), ({"title": "t", "text": "x" * 8001}, "body.text"),
     ({"title": "t", "text": "x", "language": "de"}, "body.language"),
     ({"title": "t", "text": "x", "rating": 5}, "body.rating")],
)  # fmt: skip
def test_bad_stories_are_422_naming_the_field(client, body, field):
    pid = participant(client)
    answer = client.post(f"/participants/{pid}/stories", json=body)
    assert answer.status_code == 422 and field in [e["field"] for e in answer.json()["errors"]]
    assert client.get(f"/participants/{pid}/stories").json() == []
    name_elsewhere = client.post(f"/participants/{pid}/consents",
                                 json={"purpose": "research", "text_version": "2026-01",
                                       "show_name": True})  # fmt: skip
    assert name_elsewhere.status_code == 409
    assert name_elsewhere.json()["errors"][0]["field"] == "show_name"


def test_someone_elses_story_or_case_is_refused(client):
    pid, other = participant(client), participant(client)
    story = written(client, pid)
    assert client.post(f"/participants/{other}/stories/{story}/approval",
                       json={"revision": 1, "approved_at": AT}).status_code == 404  # fmt: skip
    held = client.app.state.application.subject_access(uuid.UUID(pid))  # GDPR art. 15
    assert held["stories"][0]["title"] == STORY["title"]
    stranger = client.get(f"/participants/{pid}/stories", headers=mentor(uuid.uuid4()))
    assert stranger.status_code == 403
