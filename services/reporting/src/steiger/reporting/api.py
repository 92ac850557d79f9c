from __future__ import annotations

import datetime as dt
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends

from steiger.reporting.application import ReportingApplication
from steiger.reporting.domain.errors import NoProgressYet
from steiger.shared.http import current_application

Reporting = Annotated[ReportingApplication, Depends(current_application)]
router = APIRouter(tags=["progress"])

DOMAIN_ERRORS = {NoProgressYet: 404}


@router.get("/participants/{participant_id}/progress")
def progress(participant_id: UUID, reporting: Reporting) -> dict:
    return reporting.progress(participant_id, today=dt.date.today())
