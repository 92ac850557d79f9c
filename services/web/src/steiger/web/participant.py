"""A participant's page: everything the six services say about them, asked at once with the
user's token (who they are first: a participant not on the user's caseload stops there, with
a 403 the participant service audits)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from steiger.web.backends import Backends, ServiceError, ServiceUnavailable, backends_of
from steiger.web.guard import SignedIn
from steiger.web.rendering import render
from steiger.web.sessions import Session

router = APIRouter()
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DEFAULT_BRIDGE = ("nl-alphen", "2017-09-07")
EXIT_REASONS = ("self-sufficient", "moved", "deceased", "other")
CHANNELS = ("email", "sms")
"""What a mentor sets with the participant (a webhook is an organisation's, set by API)."""
TIMES_OF_DAY = ("morning", "afternoon", "evening")
SLOTS_OFFERED = 4
CONSENT_PURPOSES = ("partner-sharing", "research", "success-story")
PARTNER_CATEGORIES = ("participant", "bridge", "planning", "rewards")
"""What a partner may be sent, by the service that records it (the consent names them)."""
HOUSEHOLD_CHANGES = ("birth", "moved-in", "moved-out", "other")


@router.get("/participants/{participant_id}", response_class=HTMLResponse, name="participant")
async def participant(request: Request, session: SignedIn, participant_id: UUID) -> HTMLResponse:
    return render(
        request, "participant.html", **await participant_page(request, session, participant_id)
    )


async def participant_page(
    request: Request, session: Session, participant_id: UUID
) -> dict[str, Any]:
    backends = backends_of(request)
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
        potential,
        partners,
        team_mentors,
        usual_slots,
        difficult_slots,
        stories,
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
            "rewards", f"/participants/{participant_id}/statements/{today().year}", token
        ),
        backends.get("participant", f"/participants/{participant_id}/contact-preferences", token),
        backends.get_or_none("bridge", f"/participants/{participant_id}/potential-goals", token),
        _partners(backends, token),
        _team_mentors(backends, session),
        _meeting_slots(backends, participant_id, token, difficult=False),
        _meeting_slots(backends, participant_id, token, difficult=True),
        backends.get("participant", f"/participants/{participant_id}/stories", token),
    )
    latest = (positions or {}).get("latest") or []
    definition_id, version = (
        (latest[0]["definition_id"], latest[0]["definition_version"]) if latest else DEFAULT_BRIDGE
    )
    definition = await backends.get("bridge", f"/definitions/{definition_id}/{version}", token)
    return {
        "person": person,
        "bridge": bridge_view(definition, positions, session.language),
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
        "potential_goals": potential_goals_view(potential, session.language),
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
        "today": today(),
        "partners": partners,
        "stories": stories,
        "slots": {"usual": usual_slots, "difficult": difficult_slots},
        "team_mentors": team_mentors,
        "consent_purposes": CONSENT_PURPOSES,
        "partner_categories": PARTNER_CATEGORIES,
        "household_changes": HOUSEHOLD_CHANGES,
        "consent_text_version": request.app.state.settings.consent_text_version,
    }


async def _partners(backends: Backends, token: str) -> list[dict[str, str]]:
    """The chain partners a consent can name (key and name), from the notifications service;
    none when it does not answer, so the rest of the page still shows."""
    try:
        return list(await backends.get("notifications", "/partner-directory", token))
    except (ServiceError, ServiceUnavailable):
        return []


async def _meeting_slots(
    backends: Backends, participant_id: UUID, token: str, difficult: bool
) -> list[dict[str, Any]]:
    """The first times to offer that suit (the planning service's choice: a hard
    conversation in the morning, then the participant's preferred time of day)."""
    path = f"/participants/{participant_id}/meeting-slots"
    try:
        found = await backends.get("planning", path, token, difficult=str(difficult).lower())
    except ServiceError as error:
        if error.status == 404:  # planning has not heard of the participant yet
            return []
        raise
    return [slot for slot in found["slots"] if not slot["flags"]][:SLOTS_OFFERED]


async def _team_mentors(backends: Backends, session: Session) -> list[dict[str, Any]]:
    """For a team lead: the mentors of their teams, to transfer the participant to."""
    if not session.has("team-lead"):
        return []
    teams = await asyncio.gather(
        *(backends.get("participant", f"/teams/{team}/mentors", session.access_token)
          for team in session.teams)
    )  # fmt: skip
    return sorted(
        (m for team in teams for m in team["mentors"]), key=lambda m: m["name"].casefold()
    )


def potential_goals_view(found: dict[str, Any] | None, language: str) -> list[dict[str, Any]]:
    """The next step of each column from the latest assessment (the lowest first), in the
    user's language, with the rank the participant gave it, if they chose it."""
    if not found:
        return []
    ranks = {p["column"]: p["rank"] for p in found.get("priorities", [])}
    return [
        {
            "column": g["column"],
            "name": g["name"].get(language) or g["name"].get("nl"),
            "now": g["now"].get(language) or g["now"].get("nl"),
            "target": g["target"].get(language) or g["target"].get("nl"),
            "target_step": g["target_step"],
            "points_gained": g["points_gained"],
            "rank": ranks.get(g["column"]),
        }
        for g in found.get("potential_goals", [])
    ]


def today() -> dt.date:
    return dt.datetime.now(AMSTERDAM).date()


def bridge_view(
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


async def _jobs_for(backends: Backends, participant_id: UUID, token: str) -> Any:
    """Jobs whose wage covers the household's index income; None while the service cannot
    say (no household known yet, none the cost table knows)."""
    try:
        return await backends.get("bridge", f"/participants/{participant_id}/jobs", token)
    except ServiceError as error:
        if error.status in (404, 409, 422):
            return None
        raise


@router.get("/participants/{participant_id}/plan.pdf")
async def printable_plan(request: Request, session: SignedIn, participant_id: UUID) -> Response:
    response = await backends_of(request).call(
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
