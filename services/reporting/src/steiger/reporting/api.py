from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel, ConfigDict

from steiger.reporting.application import ReportingApplication
from steiger.reporting.domain.errors import NoProgressYet
from steiger.reporting.replay import ReplayRunning
from steiger.shared.http import current_application

Reporting = Annotated[ReportingApplication, Depends(current_application)]
router = APIRouter(tags=["progress"])

DOMAIN_ERRORS = {NoProgressYet: 404, ReplayRunning: 409}


AsOf = Annotated[
    dt.date | None, Query(description="the view as it was at the end of this day; default today")
]


@router.get("/participants/{participant_id}/progress")
def progress(participant_id: UUID, reporting: Reporting, as_of: AsOf = None) -> dict:
    return reporting.progress(participant_id, as_of or dt.date.today())


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
    return asdict(reporting.replay.start(body.source))


@router.get("/operations/replay", tags=["operations"], summary="How the last replay is doing")
def replay_status(reporting: Reporting) -> dict:
    return asdict(reporting.replay.status) | {"current_generation": reporting.generation}
