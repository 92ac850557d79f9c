"""A success story, written with the participant on their page: each change a revision, the
participant's approval of that revision, publication while their success-story consent
stands, and taking it down. The participant service decides each step (and refuses a
publication without approval or consent, shown beside the section)."""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from steiger.web.casework import number, pass_on
from steiger.web.guard import Form, SignedIn
from steiger.web.participant import AMSTERDAM

router = APIRouter()
SECTION = "stories"


@router.post("/participants/{participant_id}/stories")
async def write(request: Request, session: SignedIn, form: Form, participant_id: UUID) -> Response:
    body = {
        "title": form.get("title", "").strip(),
        "text": form.get("text", "").strip(),
        "language": form.get("language", "nl"),
    }
    path = f"/participants/{participant_id}/stories"
    return await pass_on(request, session, participant_id, "participant", path, body, SECTION)


@router.post("/participants/{participant_id}/stories/{story_id}/revision")
async def revise(
    request: Request, session: SignedIn, form: Form, participant_id: UUID, story_id: UUID
) -> Response:
    body = {"title": form.get("title", "").strip(), "text": form.get("text", "").strip()}
    path = f"/participants/{participant_id}/stories/{story_id}"
    return await pass_on(
        request, session, participant_id, "participant", path, body, SECTION, method="PUT"
    )


@router.post("/participants/{participant_id}/stories/{story_id}/approval")
async def approve(
    request: Request, session: SignedIn, form: Form, participant_id: UUID, story_id: UUID
) -> Response:
    """The participant read this revision and agrees (the form names the revision they saw:
    a revision made meanwhile is not approved by it)."""
    body = {
        "revision": number(form.get("revision", "")),
        "approved_at": dt.datetime.now(AMSTERDAM).isoformat(),
    }
    path = f"/participants/{participant_id}/stories/{story_id}/approval"
    return await pass_on(request, session, participant_id, "participant", path, body, SECTION)


@router.post("/participants/{participant_id}/stories/{story_id}/{change}")
async def publication(
    request: Request,
    session: SignedIn,
    form: Form,
    participant_id: UUID,
    story_id: UUID,
    change: Literal["publication", "withdrawal"],
) -> Response:
    path = f"/participants/{participant_id}/stories/{story_id}/publication"
    method = "POST" if change == "publication" else "DELETE"
    return await pass_on(
        request, session, participant_id, "participant", path, None, SECTION, method=method
    )
