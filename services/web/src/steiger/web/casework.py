"""What a mentor records on a participant's page: each form is passed on to the service that
keeps it, and the page comes back (post/redirect/get), or, when the service refuses, shows
the refusal beside the section it is about."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from steiger.web.backends import ServiceError, backends_of
from steiger.web.guard import Form, SignedIn
from steiger.web.participant import AMSTERDAM, CHANNELS, DEFAULT_BRIDGE, participant_page
from steiger.web.rendering import render, see_page
from steiger.web.sessions import Session

router = APIRouter()
MEETING_MINUTES = ("duration_minutes", "crisis_minutes", "goal_minutes")


@router.post("/participants/{participant_id}/assessments")
async def assess(request: Request, session: SignedIn, form: Form, participant_id: UUID) -> Response:
    steps = {
        name.removeprefix("step-"): int(value)
        for name, value in form.items()
        if name.startswith("step-") and value.isdigit()
    }
    body = {
        "definition_id": form.get("definition_id", DEFAULT_BRIDGE[0]),
        "definition_version": form.get("definition_version", DEFAULT_BRIDGE[1]),
        "steps": steps,
        "assessed_at": dt.datetime.now(AMSTERDAM).isoformat(),
    }
    return await pass_on(
        request,
        session,
        participant_id,
        "bridge",
        f"/participants/{participant_id}/assessments",
        body,
        "bridge",
    )


@router.post("/participants/{participant_id}/priorities")
async def choose_priorities(
    request: Request, session: SignedIn, form: Form, participant_id: UUID
) -> Response:
    """The potential goals the participant ranked, what matters most first (a goal left
    unranked is not chosen)."""
    ranked = sorted(
        (int(rank), name.removeprefix("rank-"))
        for name, rank in form.items()
        if name.startswith("rank-") and rank.isdigit()
    )
    body = {
        "priorities": [
            {"column": column, "target_step": number(form.get(f"target-{column}", "")) or None}
            for _, column in ranked
        ],
        "chosen_at": dt.datetime.now(AMSTERDAM).isoformat(),
    }
    path = f"/participants/{participant_id}/priorities"
    return await pass_on(
        request, session, participant_id, "bridge", path, body, "goals", method="PUT"
    )


@router.post("/participants/{participant_id}/goals")
async def set_goal(
    request: Request, session: SignedIn, form: Form, participant_id: UUID
) -> Response:
    target = form.get("target_step", "")
    priority = form.get("priority", "")
    body: dict[str, Any] = {
        "title": form.get("title", "").strip(),
        "horizon": form.get("horizon", "short"),
    }
    if priority:  # the chosen priority names the column and the step (planning knows them)
        body["priority"] = number(priority)
    else:
        body |= {
            "column": form.get("column") or None,
            "target_step": int(target) if target.isdigit() else None,
        }
    return await pass_on(
        request,
        session,
        participant_id,
        "planning",
        f"/participants/{participant_id}/goals",
        body,
        "goals",
    )


@router.post("/participants/{participant_id}/goals/{goal_id}/actions")
async def plan_action(
    request: Request, session: SignedIn, form: Form, participant_id: UUID, goal_id: UUID
) -> Response:
    body = {
        "description": form.get("description", "").strip(),
        "due_on": form.get("due_on", ""),
        "reward_item": form.get("reward_item") or None,
    }
    return await pass_on(
        request,
        session,
        participant_id,
        "planning",
        f"/goals/{goal_id}/actions",
        body,
        f"goal-{goal_id}",
    )


ActionChange = Literal["completion", "reschedule", "cancellation"]


@router.post("/participants/{participant_id}/goals/{goal_id}/actions/{action_id}/{change}")
async def change_action(
    request: Request,
    session: SignedIn,
    form: Form,
    participant_id: UUID,
    goal_id: UUID,
    action_id: UUID,
    change: ActionChange,
) -> Response:
    """Done (by the participant, now), moved to another day, or cancelled, with the reason."""
    bodies: dict[str, dict[str, Any]] = {
        "completion": {"completed_at": dt.datetime.now(AMSTERDAM).isoformat(), "by": "participant"},
        "reschedule": {"due_on": form.get("due_on", ""), "reason": form.get("reason", "").strip()},
        "cancellation": {"reason": form.get("reason", "").strip()},
    }
    path = f"/goals/{goal_id}/actions/{action_id}/{change}"
    return await pass_on(
        request, session, participant_id, "planning", path, bodies[change], f"goal-{goal_id}"
    )


@router.post("/participants/{participant_id}/meetings")
async def schedule_meeting(
    request: Request, session: SignedIn, form: Form, participant_id: UUID
) -> Response:
    try:  # the form's local time, in the organisation's time zone
        at = dt.datetime.fromisoformat(form.get("at", "")).replace(tzinfo=AMSTERDAM).isoformat()
    except ValueError:
        at = form.get("at", "")  # the planning service says what is wrong with it
    body = {
        "at": at,
        "place": form.get("place", "").strip() or None,
        "difficult": form.get("difficult") == "yes",
    }
    path = f"/participants/{participant_id}/meetings"
    return await pass_on(request, session, participant_id, "planning", path, body, "meetings")


@router.post("/participants/{participant_id}/meetings/{meeting_id}/record")
async def record_meeting(
    request: Request, session: SignedIn, form: Form, participant_id: UUID, meeting_id: UUID
) -> Response:
    minutes = {name: number(form.get(name, "")) for name in MEETING_MINUTES}
    body = {
        "held_on": form.get("held_on", ""),
        **minutes,
        "summary": form.get("summary", "").strip(),
    }
    path = f"/meetings/{meeting_id}/record"
    return await pass_on(request, session, participant_id, "planning", path, body, "meetings")


def number(text: str) -> int | str:
    """A whole number, or the text as typed (the service names the field at fault)."""
    return int(text) if text.strip().isdigit() else text


@router.post("/participants/{participant_id}/economic-independence", response_class=HTMLResponse)
async def economic_independence(
    request: Request, session: SignedIn, form: Form, participant_id: UUID
) -> Response:
    """The index for the participant's household against their income now: worked out on
    asking, nothing recorded, so the answer is the page itself (no redirect)."""
    table_id, _, version = form.get("table", "").partition("@")
    body = {
        "table_id": table_id,
        "table_version": version,
        "monthly_income": form.get("monthly_income", "").strip().replace(",", "."),
    }
    page = await participant_page(request, session, participant_id)
    try:
        page["eix"] = await backends_of(request).post(
            "bridge", f"/participants/{participant_id}/economic-independence",
            session.access_token, body,
        )  # fmt: skip
    except ServiceError as error:
        if error.status not in (404, 409, 422):
            raise
        refused = {"section": "eix", "message": error.detail or error.title, "fields": error.fields}
        return render(
            request, "participant.html", status_code=error.status, refused=refused, **page
        )
    return render(request, "participant.html", **page)


@router.post("/participants/{participant_id}/contact-preferences")
async def set_contact_preferences(
    request: Request, session: SignedIn, form: Form, participant_id: UUID
) -> Response:
    chosen = form.getlist("channels")
    body = {
        "channels": [c for c in CHANNELS if c in chosen],
        "time_of_day": form.get("time_of_day", "morning"),
        "quiet_from": form.get("quiet_from") or None,
        "quiet_until": form.get("quiet_until") or None,
        "opted_out": [c for c in CHANNELS if c not in chosen],
    }
    path = f"/participants/{participant_id}/contact-preferences"
    return await pass_on(
        request, session, participant_id, "participant", path, body, "contact", method="PUT"
    )


@router.post("/participants/{participant_id}/status")
async def change_status(
    request: Request, session: SignedIn, form: Form, participant_id: UUID
) -> Response:
    """Pause, resume or exit, as of today."""
    change = form.get("change", "")
    bodies: dict[str, dict[str, Any]] = {
        "pause": {"reason": form.get("reason", "").strip() or None},
        "resume": {},
        "exit": {"reason": form.get("reason", "")},
    }
    if change not in bodies:
        return await refuse(request, session, participant_id, "status", f"{change!r}?", 422)
    path = f"/participants/{participant_id}/{change}"
    return await pass_on(
        request, session, participant_id, "participant", path, bodies[change], "status"
    )


async def pass_on(
    request: Request,
    session: Session,
    participant_id: UUID,
    service: str,
    path: str,
    body: dict[str, Any] | None,
    section: str,
    method: str = "POST",
    params: dict[str, str] | None = None,
) -> Response:
    """Posts a form on to its service and comes back to the participant's page at the section
    it changed; what the service refused is shown there, beside the form, with what was
    typed."""
    try:
        await backends_of(request).call(
            method, service, path, session.access_token, body=body, params=params
        )
    except ServiceError as error:
        if error.status not in (409, 422):
            raise
        message = error.detail or error.title
        return await refuse(
            request, session, participant_id, section, message, error.status, error.fields
        )
    return see_page(f"/participants/{participant_id}#{section}")


async def refuse(
    request: Request,
    session: Session,
    participant_id: UUID,
    section: str,
    message: str,
    status: int,
    fields: dict[str, str] | None = None,
) -> Response:
    """The participant's page again, saying beside `section` what was refused."""
    page = await participant_page(request, session, participant_id)
    refused = {"section": section, "message": message, "fields": fields or {}}
    return render(request, "participant.html", status_code=status, refused=refused, **page)
