from __future__ import annotations

import datetime as dt
import time
from dataclasses import asdict
from functools import partial
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Path, Query, Request, status
from fastapi.responses import FileResponse, HTMLResponse, Response

from steiger.reporting.domain.errors import NoProgressYet
from steiger.reporting.domain.progress import Progress
from steiger.reporting.exchange import PERIOD_PATTERN, ExchangeDataset, InvalidPeriod
from steiger.reporting.operations import ReportingOperations
from steiger.reporting.page import progress_page
from steiger.reporting.projections import Kept
from steiger.reporting.rebuilding.generations import LiveProjections
from steiger.reporting.rebuilding.replay import NotAlone, ReplayRunning
from steiger.reporting.responses import (
    Caseload,
    Caseloads,
    Dashboard,
    OutcomesTable,
    ProgressOut,
    Publication,
    ReplayProgress,
    ReplayStatus,
    ReportingHeld,
)
from steiger.shared.access import (
    CASE_READERS,
    CASE_ROLES,
    CASEWORK,
    CurrentCaller,
    Forbidden,
    Role,
    admits,
    may_see,
    reaches,
    subject_access_route,
    visible,
)
from steiger.shared.concurrency import off_the_loop, on_event_loop
from steiger.shared.dates import PlannedDay
from steiger.shared.http import (
    Strict,
    Today,
    current_application,
    etag_matches,
    requested_wait,
)
from steiger.shared.openapi import BINARY, TEXT
from steiger.shared.participants import KnownParticipant

Reporting = Annotated[LiveProjections, Depends(current_application)]
"""The live projections: the current store generation's `application`, its `generation`, and
`changes` (clients waiting for a participant's progress to change)."""


async def current_operations(request: Request) -> ReportingOperations:
    return request.app.state.operations


Operations = Annotated[ReportingOperations, Depends(current_operations)]
"""Exports, the exchange-network feed and the replay."""
router = APIRouter(tags=["progress"])

DOMAIN_ERRORS = {NoProgressYet: 404, ReplayRunning: 409, NotAlone: 409, InvalidPeriod: 422}

AsOf = Annotated[
    PlannedDay | None,
    Query(description="the view as it was at the end of this day; default today"),
]
Period = Annotated[
    str,
    Path(
        pattern=PERIOD_PATTERN,
        examples=["2026-Q3"],
        description="a year (YYYY), quarter (YYYY-Qn) or month (YYYY-MM), from 2000 to 2099",
    ),
]


@router.get(
    "/participants/{participant_id}/progress",
    response_class=Response,
    responses={
        200: {"model": ProgressOut},
        304: {"description": "Unchanged: the `If-None-Match` ETag is still current"},
    },
    summary="Positions, goals, actions, rewards and meetings as they were at the end of a day",
    description="Every answer has an `ETag`. Sent back in `If-None-Match`, it is answered "
    "304 while the view is unchanged; with `Prefer: wait=N` (at most 30 seconds) the answer "
    "waits until the participant's progress changes, so a screen or a client that has just "
    "sent a command sees the effect the moment reporting records it, without polling.",
    dependencies=[admits(*CASE_READERS, Role.SERVICE)],
)
async def progress(
    participant_id: UUID,
    reporting: Reporting,
    today: Today,
    as_of: AsOf = None,
    if_none_match: Annotated[str | None, Header()] = None,
    prefer: Annotated[str | None, Header()] = None,
) -> Response:
    day = as_of or today
    kept = await kept_progress(reporting, participant_id, day)
    if wait := requested_wait(prefer):
        kept = await next_change(reporting, participant_id, day, kept, if_none_match, wait)
    tag = etag(reporting, kept, day)
    if etag_matches(if_none_match, tag):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
    return Response(kept.body, media_type="application/json", headers={"ETag": tag})


async def next_change(
    reporting: Reporting,
    participant_id: UUID,
    day: dt.date,
    kept: Kept,
    shown: str | None,
    wait: float,
) -> Kept:
    """The view once its tag is not among those the client has (`shown`, its
    If-None-Match), or as it is after `wait` seconds."""
    deadline = time.monotonic() + wait
    while etag_matches(shown, etag(reporting, kept, day)) and time.monotonic() < deadline:
        await reporting.changes.wait(
            Progress.create_id(participant_id),
            deadline - time.monotonic(),
            changed=partial(
                reporting.application.progress_changed_since, participant_id, kept.version
            ),
        )
        kept = await kept_progress(reporting, participant_id, day)
    return kept


async def kept_progress(reporting: Reporting, participant_id: UUID, day: dt.date) -> Kept:
    # The often-read current view is answered on the event loop; computing one needs the store.
    kept = reporting.application.kept_progress_if_current(participant_id, day)
    if kept is None:
        kept = await off_the_loop(reporting.application.kept_progress, participant_id, day)
    return kept


def etag(reporting: Reporting, kept: Kept, day: dt.date) -> str:
    """Names one view: store generation, version of the progress and the day it is as of."""
    return f'"{reporting.generation}.{kept.version}.{day.isoformat()}"'


@router.get(
    "/participants/{participant_id}/progress.html",
    response_class=HTMLResponse,
    summary="The progress as a page with charts, for the mentor to show the participant",
    dependencies=[admits(*CASE_READERS)],
)
@on_event_loop
def progress_html(
    participant_id: UUID,
    reporting: Reporting,
    today: Today,
    as_of: AsOf = None,
    lang: Literal["nl", "en"] = "nl",
) -> HTMLResponse:
    view = reporting.application.progress(participant_id, as_of or today)
    return HTMLResponse(progress_page(view, lang))


@router.get(
    "/dashboards/{by}",
    tags=["dashboards"],
    response_model=Dashboard,
    dependencies=[admits(Role.RESEARCHER, Role.TEAM_LEAD, Role.ADMINISTRATOR)],
)
def dashboard(
    by: Literal["programme", "cohort", "neighbourhood", "target_group", "municipality"],
    reporting: Reporting,
    request: Request,
    today: Today,
    as_of: AsOf = None,
    since: Annotated[PlannedDay | None, Query(description="intake on or after this day")] = None,
    step: Annotated[int, Query(ge=1, le=10, description="for 'share at or above step'")] = 3,
) -> dict[str, Any]:
    """A team lead's: of their teams' participants."""
    return reporting.application.dashboard(by, as_of or today, since, step, may_see(request))


@router.get(
    "/outcomes/{by}",
    tags=["dashboards"],
    summary="Table 4: outcome indicators at intake, now, and 6, 12, 30 months, per group",
    response_model=OutcomesTable,
    dependencies=[admits(Role.RESEARCHER, Role.TEAM_LEAD, Role.ADMINISTRATOR)],
)
def outcomes(
    by: Literal["programme", "cohort", "neighbourhood", "target_group", "municipality"],
    reporting: Reporting,
    request: Request,
    today: Today,
    as_of: AsOf = None,
) -> dict[str, Any]:
    """A team lead's: of their teams' participants. Groups and points with fewer than the
    minimum cell are suppressed."""
    return reporting.application.outcomes(by, as_of or today, may_see(request))


@router.get(
    "/mentors/{mentor_id}/caseload",
    tags=["dashboards"],
    response_model=Caseload,
    dependencies=[admits(*CASEWORK)],
)
def caseload(
    mentor_id: UUID,
    reporting: Reporting,
    today: Today,
    caller: CurrentCaller,
    request: Request,
    as_of: AsOf = None,
) -> dict[str, Any]:
    """A mentor sees their own caseload; a team lead the rows of their teams' cases."""
    found = reporting.application.caseload(mentor_id, as_of or today)
    if Role.MENTOR in caller.roles and caller.subject == str(mentor_id):
        return found
    if Role.TEAM_LEAD not in caller.roles:
        raise Forbidden(f"the caseload of mentor {mentor_id} is not yours to see")
    return found | {"participants": visible(request, found["participants"])}


@router.get(
    "/caseloads",
    tags=["dashboards"],
    summary="Several mentors' caseloads in one list (a team lead's page)",
    response_model=Caseloads,
    dependencies=[admits(*CASEWORK)],
)
def caseloads(
    reporting: Reporting,
    today: Today,
    caller: CurrentCaller,
    request: Request,
    mentor: list[UUID] = Query(..., min_length=1, max_length=200),
    as_of: AsOf = None,
) -> dict[str, Any]:
    """A mentor sees their own caseload; a team lead the rows of their teams' cases."""
    mine = Role.MENTOR in caller.roles and {str(m) for m in mentor} == {caller.subject}
    if not mine and Role.TEAM_LEAD not in caller.roles:
        raise Forbidden("these caseloads are not yours to see")
    lines = reporting.application.caseloads([str(m) for m in mentor], as_of or today)
    # a team lead sees the lines of their teams' cases (the case kept with each line: no
    # participant's case is looked up again for a page of thousands)
    everyone = mine or bool(caller.roles - CASE_ROLES)
    rows = [row for row, case in lines if everyone or reaches(caller, row["participant_id"], case)]
    return {"as_of": as_of or today, "participants": rows}


@router.get(
    "/exports/evaluation.{file_format}",
    tags=["exports"],
    response_class=FileResponse,
    responses={
        200: {"content": {"text/csv": TEXT, "application/vnd.apache.parquet": BINARY}},
    },
    summary="Measurements at intake and 6, 12, 24 months, research-consented participants",
    dependencies=[admits(Role.RESEARCHER)],
)
def evaluation_export(
    file_format: Literal["csv", "parquet"], operations: Operations, today: Today, as_of: AsOf = None
) -> FileResponse:
    path = operations.export_evaluation(as_of or today, file_format)
    media = "text/csv" if file_format == "csv" else "application/vnd.apache.parquet"
    return FileResponse(path, media_type=media, filename=path.name)


@router.get(
    "/exchange/{period}",
    tags=["exchange"],
    summary="The exchange dataset of a period",
    dependencies=[admits(Role.RESEARCHER, Role.OPERATOR)],
)
def exchange(period: Period, operations: Operations) -> ExchangeDataset:
    return operations.exchange(period)


@router.post(
    "/exchange/{period}/publication",
    tags=["exchange"],
    summary="Write the period's dataset as files and publish it to the exchange topic",
    response_model=Publication,
    dependencies=[admits(Role.OPERATOR)],
)
async def publish_exchange(period: Period, operations: Operations) -> dict[str, Any]:
    return await off_the_loop(operations.publish_exchange, period)


class ReplayIn(Strict):
    source: Literal["stores", "kafka"] = "stores"


@router.post(
    "/operations/replay",
    status_code=status.HTTP_202_ACCEPTED,
    tags=["operations"],
    summary="Rebuild every projection from the full history, aside, then swap",
    response_model=ReplayProgress,
    dependencies=[admits(Role.OPERATOR)],
)
async def start_replay(body: ReplayIn, operations: Operations) -> dict[str, Any]:
    return asdict(await operations.start_replay(body.source))


@router.get(
    "/operations/replay",
    tags=["operations"],
    summary="How the last replay is doing",
    response_model=ReplayStatus,
    dependencies=[admits(Role.OPERATOR)],
)
@on_event_loop
def replay_status(operations: Operations, reporting: Reporting) -> dict[str, Any]:
    status_now = asdict(operations.replay.status)
    return status_now | {"current_generation": reporting.generation}


@router.get("/participants/{participant_id}/subject-access", **subject_access_route(ReportingHeld))
@on_event_loop
def subject_access(
    participant_id: KnownParticipant, reporting: Reporting, today: Today
) -> dict[str, Any]:
    return reporting.application.subject_access(participant_id, today)
