"""The executive-skills questionnaire, answered with the participant on their page: every
statement on the questionnaire's scale; the bridge service keeps the answers and works out
the profile (a conversation aid, not a diagnosis), which the participant's page shows."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from steiger.web.backends import ServiceError, backends_of
from steiger.web.guard import Form, SignedIn
from steiger.web.participant import AMSTERDAM
from steiger.web.rendering import render, see_page
from steiger.web.sessions import Session

router = APIRouter()


@router.get("/participants/{participant_id}/executive-skills", response_class=HTMLResponse)
async def questionnaire(request: Request, session: SignedIn, participant_id: UUID) -> Response:
    return render(
        request, "questionnaire.html", **await _page(request, session, participant_id, {})
    )


@router.post("/participants/{participant_id}/executive-skills", response_class=HTMLResponse)
async def answer(request: Request, session: SignedIn, form: Form, participant_id: UUID) -> Response:
    page = await _page(request, session, participant_id, dict(form))
    answers = {
        statement["id"]: int(form[statement["id"]])
        for statement in page["statements"]
        if form.get(statement["id"], "").isdigit()
    }
    body = {"answers": answers, "assessed_at": dt.datetime.now(AMSTERDAM).isoformat()}
    path = f"/participants/{participant_id}/executive-skills"
    try:
        await backends_of(request).post("bridge", path, session.access_token, body)
    except ServiceError as error:
        if error.status not in (409, 422):
            raise
        refused = {"message": error.detail or error.title, "fields": error.fields}
        missing = {s["id"] for s in page["statements"]} - set(answers)
        return render(
            request, "questionnaire.html", status_code=error.status, refused=refused,
            **page | {"missing": missing},
        )  # fmt: skip
    return see_page(f"/participants/{participant_id}#eix")


async def _page(
    request: Request, session: Session, participant_id: UUID, answers: dict[str, str]
) -> dict[str, Any]:
    backends = backends_of(request)
    token = session.access_token
    # who it is first: a participant not on the user's caseload stops here (403, audited)
    person = await backends.get("participant", f"/participants/{participant_id}", token)
    found = await backends.get("bridge", "/executive-skills/questionnaire", token)
    return {
        "person": person,
        "questionnaire": found,
        "statements": [s for function in found["functions"] for s in function["statements"]],
        "answers": answers,
        "missing": set(),
    }
