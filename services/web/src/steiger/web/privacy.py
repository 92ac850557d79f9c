"""The privacy officer's pages: a participant's audit trail (who read or changed their file,
in every service), the subject access export, and erasure with a confirmation that names what
will happen. Erasure cannot be undone, so it asks for the participant's number typed again.
Who may do this is the participant service's decision (a privacy officer), as everywhere: a
refusal there is audited there."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from steiger.web.backends import ServiceError, backends_of
from steiger.web.guard import Form, SignedIn
from steiger.web.rendering import render

router = APIRouter(prefix="/privacy")


@router.get("", response_class=HTMLResponse, name="privacy")
async def privacy(request: Request, session: SignedIn, participant: str = "") -> Response:
    if participant:
        try:
            return RedirectResponse(f"/privacy/participants/{UUID(participant.strip())}", 303)
        except ValueError:
            return render(request, "privacy.html", status_code=422, asked=participant)
    return render(request, "privacy.html", asked="")


@router.get("/participants/{participant_id}", response_class=HTMLResponse)
async def participant(request: Request, session: SignedIn, participant_id: UUID) -> Response:
    trail = await _trail(request, session.access_token, participant_id)
    return render(
        request,
        "privacy_participant.html",
        participant_id=participant_id,
        trail=trail,
        erased=False,
    )


@router.get("/participants/{participant_id}/export.pdf")
async def export(request: Request, session: SignedIn, participant_id: UUID) -> Response:
    answer = await backends_of(request).call(
        "GET", "participant", f"/participants/{participant_id}/export.pdf", session.access_token
    )
    return Response(
        answer.content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="inzage-{participant_id}.pdf"'},
    )


@router.post("/participants/{participant_id}/erasure", response_class=HTMLResponse)
async def erase(request: Request, session: SignedIn, form: Form, participant_id: UUID) -> Response:
    if form.get("confirm", "").strip().lower() != str(participant_id):
        trail = await _trail(request, session.access_token, participant_id)
        return render(
            request,
            "privacy_participant.html",
            status_code=422,
            participant_id=participant_id,
            trail=trail,
            erased=False,
            confirm_error=True,
        )
    try:
        await backends_of(request).call(
            "DELETE", "participant", f"/participants/{participant_id}", session.access_token
        )
    except ServiceError as error:
        if error.status != 410:  # erased already: the same outcome
            raise
    return render(
        request, "privacy_participant.html", participant_id=participant_id, trail=None, erased=True
    )


async def _trail(request: Request, token: str, participant_id: UUID) -> dict[str, Any]:
    trail: dict[str, Any] = await backends_of(request).get(
        "participant", "/audit", token, participant=str(participant_id)
    )
    return trail
