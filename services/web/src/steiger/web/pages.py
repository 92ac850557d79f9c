"""The pages a mentor works in: the caseload, the intake, and a participant's page with the
Bridge, the plan and the rewards. Each page asks the services for what it shows, with the
user's own token; each form posts to the app, which passes it on and comes back to the page
(post/redirect/get), so every flow works without JavaScript. With htmx, a form swaps the
section it changed in place."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from steiger.web.backends import Backends, ServiceError
from steiger.web.guard import Form, SignedIn, checked_form
from steiger.web.rendering import render
from steiger.web.sessions import Session

router = APIRouter()
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DEFAULT_BRIDGE = ("nl-alphen", "2017-09-07")
STATUSES = ("active", "paused", "exited")
EXIT_REASONS = ("self-sufficient", "moved", "deceased", "other")
MEETING_MINUTES = ("duration_minutes", "crisis_minutes", "goal_minutes")
CHANNELS = ("email", "sms")
"""What a mentor sets with the participant (a webhook is an organisation's, set by API)."""
TIMES_OF_DAY = ("morning", "afternoon", "evening")
HOUSEHOLD = ("adults", "preschool_children", "school_age_children")
ADDRESS = ("street", "house_number", "postcode", "city")
INTAKE_FIELDS = (
    "name", "birth_year", "bsn", "email", "phone", *ADDRESS, "municipality", "neighbourhood",
    "programme", "target_group", "external_id", "language", *HOUSEHOLD,
)  # fmt: skip


def _backends(request: Request) -> Backends:
    backends: Backends = request.app.state.backends
    return backends


def _see_page(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


# --- the caseload -------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse, name="caseload")
async def caseload(
    request: Request, session: SignedIn, q: str = "", status: str = "", mentor: str = ""
) -> Response:
    """A mentor's own caseload; a team lead's, every caseload of their teams."""
    if not session.has("mentor", "team-lead") and session.has("privacy-officer"):
        return _see_page("/privacy")
    backends = _backends(request)
    token = session.access_token
    mentors: dict[str, str] = {}  # mentor id: name
    rows: list[dict[str, Any]] = []
    if session.has("team-lead"):
        for team in session.teams:
            members, people = await asyncio.gather(
                backends.get("participant", f"/teams/{team}/mentors", token),
                backends.get("participant", f"/teams/{team}/caseload", token),
            )
            mentors |= {m["mentor_id"]: m["name"] for m in members["mentors"]}
            rows += people["participants"]
    if session.has("mentor") and session.subject not in mentors:
        mentors[session.subject] = session.name
        own = await backends.get_or_none(
            "participant", f"/mentors/{session.subject}/caseload", token
        )
        rows += [
            {**row, "mentor_id": session.subject} for row in (own or {}).get("participants", [])
        ]
    # the Bridge and the actions, from reporting, for all of them at once (a hundred mentors
    # a request: the address stays short)
    asked = sorted({row["mentor_id"] for row in rows})
    answers = await asyncio.gather(
        *(
            backends.get("reporting", "/caseloads", token, mentor=asked[n : n + 100])
            for n in range(0, len(asked), 100)
        )
    )
    by_id = {row["participant_id"]: row for a in answers for row in a["participants"]}
    rows = [{**by_id.get(row["participant_id"], {}), **row} for row in rows]
    for row in rows:
        row["mentor"] = mentors.get(row["mentor_id"], "")
    wanted = q.strip().casefold()
    shown = [
        row
        for row in rows
        if (not wanted or wanted in row["name"].casefold())
        and (status not in STATUSES or row["status"] == status)
        and (not mentor or row["mentor_id"] == mentor)
    ]
    shown.sort(key=lambda row: (row["status"] != "active", row["name"].casefold()))
    return render(
        request,
        "caseload.html",
        rows=shown,
        total=len(rows),
        q=q,
        status=status if status in STATUSES else "",
        statuses=STATUSES,
        mentors=mentors if len(mentors) > 1 else {},
        mentor=mentor,
    )


# --- the intake ---------------------------------------------------------------------------


@router.get("/participants/new", response_class=HTMLResponse, name="intake")
async def intake(request: Request, session: SignedIn) -> HTMLResponse:
    return render(request, "intake.html", values={"language": "nl", "adults": "1"}, errors={})


@router.post("/participants", response_class=HTMLResponse)
async def register(request: Request, session: SignedIn, form: Form) -> Response:
    values = {name: form.get(name, "").strip() for name in INTAKE_FIELDS}
    body, errors = _registration(values, session)
    existing = None
    if not errors:
        try:
            registered = await _backends(request).post(
                "participant", "/participants", session.access_token, body
            )
        except ServiceError as error:
            if error.status not in (409, 422):
                raise
            errors = {_intake_field(name): message for name, message in error.fields.items()}
            existing = error.problem.get("existing_participant_id")
            if error.status == 409 and not errors:
                errors = {"name": error.detail or error.title}
        else:
            return _see_page(f"/participants/{registered['participant_id']}")
    return render(
        request, "intake.html", status_code=422, values=values, errors=errors, existing=existing
    )


def _registration(
    values: dict[str, str], session: Session
) -> tuple[dict[str, Any], dict[str, str]]:
    """The participant service's registration body from the form, and what is wrong before
    asking it (a number that is not one)."""
    errors: dict[str, str] = {}
    numbers: dict[str, int] = {}
    for name in ("birth_year", *HOUSEHOLD):
        text = values[name] or ("0" if name in HOUSEHOLD[1:] else "")
        try:
            numbers[name] = int(text)
        except ValueError:
            errors[name] = (
                "vul een heel getal in" if session.language == "nl" else "enter a whole number"
            )
    optional = ("bsn", "email", "phone", "neighbourhood", "target_group", "external_id")
    body: dict[str, Any] = {
        "name": values["name"],
        "birth_year": numbers.get("birth_year"),
        "municipality": values["municipality"],
        "programme": values["programme"],
        "language": values["language"] or "nl",
        "household": {name: numbers.get(name) for name in HOUSEHOLD},
        **{name: values[name] for name in optional if values[name]},
    }
    if any(values[name] for name in ADDRESS):  # all four, or the service says which is missing
        body["address"] = {name: values[name] for name in ADDRESS}
    return body, errors


def _intake_field(name: str) -> str:
    """The form's field for a service's field name (`household.adults` is `adults`,
    `address.postcode` is `postcode`)."""
    return name.removeprefix("household.").removeprefix("address.").split(".")[0]


# --- a participant ------------------------------------------------------------------------


@router.get("/participants/{participant_id}", response_class=HTMLResponse, name="participant")
async def participant(request: Request, session: SignedIn, participant_id: UUID) -> HTMLResponse:
    return render(
        request, "participant.html", **await _participant_page(request, session, participant_id)
    )


async def _participant_page(
    request: Request, session: Session, participant_id: UUID
) -> dict[str, Any]:
    backends = _backends(request)
    token = session.access_token
    # who it is first: a participant not on the user's caseload stops here (403, audited)
    person = await backends.get("participant", f"/participants/{participant_id}", token)
    (
        positions,
        goals,
        rewards,
        menu,
        history,
        consents,
        meetings,
        skills,
        jobs,
        reminders,
        tables,
        statement,
        contact,
    ) = await asyncio.gather(
        backends.get_or_none("bridge", f"/participants/{participant_id}/positions", token),
        backends.get("planning", f"/participants/{participant_id}/goals", token),
        backends.get_or_none("rewards", f"/participants/{participant_id}/rewards", token),
        backends.get("rewards", "/menu", token),
        backends.get("participant", f"/participants/{participant_id}/history", token),
        backends.get("participant", f"/participants/{participant_id}/consents", token),
        backends.get("planning", f"/participants/{participant_id}/meetings", token),
        backends.get_or_none("bridge", f"/participants/{participant_id}/executive-skills", token),
        _jobs_for(backends, participant_id, token),
        backends.get_or_none(
            "notifications", f"/participants/{participant_id}/notifications", token
        ),
        backends.get("bridge", "/cost-tables", token),
        backends.get_or_none(
            "rewards", f"/participants/{participant_id}/statements/{_today().year}", token
        ),
        backends.get("participant", f"/participants/{participant_id}/contact-preferences", token),
    )
    latest = (positions or {}).get("latest") or []
    definition_id, version = (
        (latest[0]["definition_id"], latest[0]["definition_version"]) if latest else DEFAULT_BRIDGE
    )
    definition = await backends.get("bridge", f"/definitions/{definition_id}/{version}", token)
    return {
        "person": person,
        "bridge": _bridge_view(definition, positions, session.language),
        "goals": goals,
        "rewards": rewards,
        "reward_items": [
            item for item in menu.get("items", []) if "action" in item.get("trigger", "")
        ],
        "menu_labels": {item["id"]: item.get("label", {}) for item in menu.get("items", [])},
        "history": history,
        "status": history[-1]["status"] if history else "active",
        "consents": consents,
        "meetings": meetings,
        "skills": skills,
        "jobs": jobs,
        "reminders": reminders,
        "cost_tables": tables,
        "eix": None,
        "statement": statement,
        "contact": contact,
        "channels": CHANNELS,
        "times_of_day": TIMES_OF_DAY,
        "now": dt.datetime.now(AMSTERDAM).replace(second=0, microsecond=0, tzinfo=None),
        "exit_reasons": EXIT_REASONS,
        "progress": progress_chart(positions),
        "today": _today(),
    }


def _today() -> dt.date:
    return dt.datetime.now(AMSTERDAM).date()


def _bridge_view(
    definition: dict[str, Any], positions: dict[str, Any] | None, language: str
) -> dict[str, Any]:
    """The Bridge as the seeds draw it: a column per pillar, its steps from the bottom up,
    the current and the intake step marked, and the path of every assessment."""
    history = sorted((positions or {}).get("history") or [], key=lambda p: p["assessed_at"])
    current = {p["column"]: p for p in (positions or {}).get("latest") or []}
    intake: dict[str, dict[str, Any]] = {}
    for position in history:
        intake.setdefault(position["column"], position)
    columns = []
    for column in definition["columns"]:
        cid = column["id"]
        path = [p["step"] for p in history if p["column"] == cid]
        columns.append(
            {
                "id": cid,
                "name": column["name"].get(language) or column["name"].get("nl") or cid,
                "steps": [
                    {
                        "step": s["step"],
                        "label": s.get(language) or s.get("nl"),
                        "points": s["points"],
                    }
                    for s in sorted(column["steps"], key=lambda s: s["step"], reverse=True)
                ],
                "current": current.get(cid, {}).get("step"),
                "intake": intake.get(cid, {}).get("step"),
                "path": path,
            }
        )
    return {
        "definition": definition,
        "columns": columns,
        "total": (positions or {}).get("total_points"),
        "assessments": len({p["assessment_id"] for p in history}),
    }


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
    return await _pass_on(
        request,
        session,
        participant_id,
        "bridge",
        f"/participants/{participant_id}/assessments",
        body,
        "bridge",
    )


@router.post("/participants/{participant_id}/goals")
async def set_goal(
    request: Request, session: SignedIn, form: Form, participant_id: UUID
) -> Response:
    target = form.get("target_step", "")
    body = {
        "title": form.get("title", "").strip(),
        "horizon": form.get("horizon", "short"),
        "column": form.get("column") or None,
        "target_step": int(target) if target.isdigit() else None,
    }
    return await _pass_on(
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
    return await _pass_on(
        request,
        session,
        participant_id,
        "planning",
        f"/goals/{goal_id}/actions",
        body,
        f"goal-{goal_id}",
    )


@router.post("/participants/{participant_id}/goals/{goal_id}/actions/{action_id}/completion")
async def complete_action(
    request: Request,
    session: SignedIn,
    form: Form,
    participant_id: UUID,
    goal_id: UUID,
    action_id: UUID,
) -> Response:
    body = {"completed_at": dt.datetime.now(AMSTERDAM).isoformat(), "by": "participant"}
    path = f"/goals/{goal_id}/actions/{action_id}/completion"
    return await _pass_on(
        request, session, participant_id, "planning", path, body, f"goal-{goal_id}"
    )


@router.post("/participants/{participant_id}/goals/{goal_id}/actions/{action_id}/reschedule")
async def reschedule_action(
    request: Request,
    session: SignedIn,
    form: Form,
    participant_id: UUID,
    goal_id: UUID,
    action_id: UUID,
) -> Response:
    body = {"due_on": form.get("due_on", ""), "reason": form.get("reason", "").strip()}
    path = f"/goals/{goal_id}/actions/{action_id}/reschedule"
    return await _pass_on(
        request, session, participant_id, "planning", path, body, f"goal-{goal_id}"
    )


@router.post("/participants/{participant_id}/goals/{goal_id}/actions/{action_id}/cancellation")
async def cancel_action(
    request: Request,
    session: SignedIn,
    form: Form,
    participant_id: UUID,
    goal_id: UUID,
    action_id: UUID,
) -> Response:
    body = {"reason": form.get("reason", "").strip()}
    path = f"/goals/{goal_id}/actions/{action_id}/cancellation"
    return await _pass_on(
        request, session, participant_id, "planning", path, body, f"goal-{goal_id}"
    )


@router.post("/participants/{participant_id}/meetings")
async def schedule_meeting(
    request: Request, session: SignedIn, form: Form, participant_id: UUID
) -> Response:
    try:  # the form's local time, in the organisation's time zone
        at = dt.datetime.fromisoformat(form.get("at", "")).replace(tzinfo=AMSTERDAM).isoformat()
    except ValueError:
        at = form.get("at", "")  # the planning service says what is wrong with it
    body = {"at": at, "place": form.get("place", "").strip() or None}
    path = f"/participants/{participant_id}/meetings"
    return await _pass_on(request, session, participant_id, "planning", path, body, "meetings")


@router.post("/participants/{participant_id}/meetings/{meeting_id}/record")
async def record_meeting(
    request: Request, session: SignedIn, form: Form, participant_id: UUID, meeting_id: UUID
) -> Response:
    minutes = {name: _number(form.get(name, "")) for name in MEETING_MINUTES}
    body = {
        "held_on": form.get("held_on", ""),
        **minutes,
        "summary": form.get("summary", "").strip(),
    }
    path = f"/meetings/{meeting_id}/record"
    return await _pass_on(request, session, participant_id, "planning", path, body, "meetings")


def _number(text: str) -> int | str:
    """A whole number, or the text as typed (the service names the field at fault)."""
    return int(text) if text.strip().isdigit() else text


async def _jobs_for(backends: Backends, participant_id: UUID, token: str) -> Any:
    """Jobs whose wage covers the household's index income; None while the service cannot
    say (no household known yet, none the cost table knows)."""
    try:
        return await backends.get("bridge", f"/participants/{participant_id}/jobs", token)
    except ServiceError as error:
        if error.status in (404, 409, 422):
            return None
        raise


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
    page = await _participant_page(request, session, participant_id)
    try:
        page["eix"] = await _backends(request).post(
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
    request: Request, session: SignedIn, participant_id: UUID
) -> Response:
    form = await checked_form(request, session)
    chosen = (await request.form()).getlist("channels")
    body = {
        "channels": [c for c in CHANNELS if c in chosen],
        "time_of_day": form.get("time_of_day", "morning"),
        "quiet_from": form.get("quiet_from") or None,
        "quiet_until": form.get("quiet_until") or None,
        "opted_out": [c for c in CHANNELS if c not in chosen],
    }
    path = f"/participants/{participant_id}/contact-preferences"
    try:
        await _backends(request).call("PUT", "participant", path, session.access_token, body=body)
    except ServiceError as error:
        if error.status not in (409, 422):
            raise
        message = error.detail or error.title
        return await _refuse(
            request, session, participant_id, "contact", message, error.status, error.fields
        )
    return _see_page(f"/participants/{participant_id}#contact")


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
        return await _refuse(request, session, participant_id, "status", f"{change!r}?", 422)
    path = f"/participants/{participant_id}/{change}"
    return await _pass_on(
        request, session, participant_id, "participant", path, bodies[change], "status"
    )


async def _pass_on(
    request: Request,
    session: Session,
    participant_id: UUID,
    service: str,
    path: str,
    body: dict[str, Any],
    section: str,
) -> Response:
    """Posts a form on to its service and comes back to the participant's page at the section
    it changed; what the service refused is shown there, beside the form, with what was
    typed."""
    try:
        await _backends(request).post(service, path, session.access_token, body)
    except ServiceError as error:
        if error.status not in (409, 422):
            raise
        message = error.detail or error.title
        return await _refuse(
            request, session, participant_id, section, message, error.status, error.fields
        )
    return _see_page(f"/participants/{participant_id}#{section}")


async def _refuse(
    request: Request,
    session: Session,
    participant_id: UUID,
    section: str,
    message: str,
    status: int,
    fields: dict[str, str] | None = None,
) -> Response:
    """The participant's page again, saying beside `section` what was refused."""
    page = await _participant_page(request, session, participant_id)
    refused = {"section": section, "message": message, "fields": fields or {}}
    return render(request, "participant.html", status_code=status, refused=refused, **page)


@router.get("/participants/{participant_id}/plan.pdf")
async def printable_plan(request: Request, session: SignedIn, participant_id: UUID) -> Response:
    response = await _backends(request).call(
        "GET",
        "planning",
        f"/participants/{participant_id}/plan",
        session.access_token,
        params={"format": "pdf", "lang": session.language},
    )
    return Response(
        response.content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="plan-{participant_id}.pdf"'},
    )


def progress_chart(
    positions: dict[str, Any] | None, width: int = 640, height: int = 180
) -> dict[str, Any]:
    """The Bridge's total points at each assessment, as the points of a line drawn in SVG
    (the page shows the same figures in a table beside it)."""
    totals: dict[str, dict[str, int]] = {}
    for position in sorted((positions or {}).get("history") or [], key=lambda p: p["assessed_at"]):
        latest = totals.setdefault(position["assessed_at"], {})
        latest[position["column"]] = position["points"]
    running: dict[str, int] = {}
    days: list[tuple[str, int]] = []
    for assessed_at, columns in totals.items():
        running |= columns
        days.append((assessed_at[:10], sum(running.values())))
    top = max((total for _, total in days), default=0) or 1
    step = (width - 40) / max(len(days) - 1, 1)
    points = [
        {
            "on": on,
            "total": total,
            "x": round(20 + n * step, 1),
            "y": round(height - 20 - (height - 40) * total / top, 1),
        }
        for n, (on, total) in enumerate(days)
    ]
    line = " ".join(f"{p['x']},{p['y']}" for p in points)
    return {"points": points, "line": line, "width": width, "height": height}
