"""The caseload: a mentor's participants; a team lead's, every caseload of their teams. Names
and statuses come from the participant service, the Bridge and the actions from reporting,
each asked once for the whole list."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from steiger.web.backends import backends_of
from steiger.web.guard import SignedIn
from steiger.web.rendering import render, see_page

router = APIRouter()
STATUSES = ("active", "paused", "exited")


@router.get("/", response_class=HTMLResponse, name="caseload")
async def caseload(
    request: Request, session: SignedIn, q: str = "", status: str = "", mentor: str = ""
) -> Response:
    """A mentor's own caseload; a team lead's, every caseload of their teams."""
    if not session.has("mentor", "team-lead") and session.has("privacy-officer"):
        return see_page("/privacy")
    backends = backends_of(request)
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
