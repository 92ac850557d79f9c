from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Literal
from uuid import UUID

import anyio
from fastapi import APIRouter, Depends, Path, Query, status
from fastapi.responses import FileResponse, HTMLResponse, Response
from pydantic import BaseModel, ConfigDict

from steiger.reporting.application import ReportingApplication
from steiger.reporting.domain.errors import NoProgressYet
from steiger.reporting.exchange import ExchangeDataset
from steiger.reporting.page import progress_page
from steiger.reporting.replay import ReplayRunning
from steiger.shared.http import Today, current_application

Reporting = Annotated[ReportingApplication, Depends(current_application)]
"""The current store generation's application, behind generations.LiveProjections, which
also carries `operations` (exports, exchange feed, replay) and `generation`."""
router = APIRouter(tags=["progress"])

DOMAIN_ERRORS = {NoProgressYet: 404, ReplayRunning: 409}

AsOf = Annotated[
    dt.date | None, Query(description="the view as it was at the end of this day; default today")
]
Period = Annotated[str, Path(pattern=r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$", examples=["2026-Q3"])]


@router.get(
    "/participants/{participant_id}/progress",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}},
    summary="Positions, goals, actions, rewards and meetings as they were at the end of a day",
)
async def progress(
    participant_id: UUID, reporting: Reporting, today: Today, as_of: AsOf = None
) -> Response:
    # Amounts as decimal strings, times in ISO 8601; encoded once per change of the progress.
    # The often-read current view is answered on the event loop; computing one needs the store.
    day = as_of or today
    body = reporting.progress_json_if_kept(participant_id, day)
    if body is None:
        body = await anyio.to_thread.run_sync(reporting.progress_json, participant_id, day)
    return Response(body, media_type="application/json")


@router.get(
    "/participants/{participant_id}/progress.html",
    response_class=HTMLResponse,
    summary="The progress as a page with charts, for the mentor to show the participant",
)
def progress_html(
    participant_id: UUID,
    reporting: Reporting,
    today: Today,
    as_of: AsOf = None,
    lang: Literal["nl", "en"] = "nl",
) -> HTMLResponse:
    view = reporting.progress(participant_id, as_of or today)
    return HTMLResponse(progress_page(view, lang))


@router.get("/dashboards/{by}", tags=["dashboards"])
def dashboard(
    by: Literal["programme", "cohort", "neighbourhood", "target_group", "municipality"],
    reporting: Reporting,
    today: Today,
    as_of: AsOf = None,
    since: Annotated[dt.date | None, Query(description="intake on or after this day")] = None,
    step: Annotated[int, Query(ge=1, le=10, description="for 'share at or above step'")] = 3,
) -> dict:
    return reporting.dashboard(by, as_of or today, since, step)


@router.get("/mentors/{mentor_id}/caseload", tags=["dashboards"])
def caseload(mentor_id: UUID, reporting: Reporting, today: Today, as_of: AsOf = None) -> dict:
    return reporting.caseload(mentor_id, as_of or today)


@router.get(
    "/exports/evaluation.{file_format}",
    tags=["exports"],
    response_class=FileResponse,
    summary="Measurements at intake and 6, 12, 24 months, research-consented participants",
)
def evaluation_export(
    file_format: Literal["csv", "parquet"], reporting: Reporting, today: Today, as_of: AsOf = None
) -> FileResponse:
    path = reporting.operations.export_evaluation(as_of or today, file_format)
    media = "text/csv" if file_format == "csv" else "application/vnd.apache.parquet"
    return FileResponse(path, media_type=media, filename=path.name)


@router.get("/exchange/{period}", tags=["exchange"], summary="The exchange dataset of a period")
def exchange(period: Period, reporting: Reporting) -> ExchangeDataset:
    return reporting.operations.exchange(period)


@router.post(
    "/exchange/{period}/publication",
    tags=["exchange"],
    summary="Write the period's dataset as files and publish it to the exchange topic",
)
async def publish_exchange(period: Period, reporting: Reporting) -> dict:
    return await anyio.to_thread.run_sync(reporting.operations.publish_exchange, period)


class ReplayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: Literal["stores", "kafka"] = "stores"


@router.post(
    "/operations/replay",
    status_code=status.HTTP_202_ACCEPTED,
    tags=["operations"],
    summary="Rebuild every projection from the full history, aside, then swap",
)
def start_replay(body: ReplayIn, reporting: Reporting) -> dict:
    return asdict(reporting.operations.replay.start(body.source))


@router.get("/operations/replay", tags=["operations"], summary="How the last replay is doing")
def replay_status(reporting: Reporting) -> dict:
    status_now = asdict(reporting.operations.replay.status)
    return status_now | {"current_generation": reporting.generation}
