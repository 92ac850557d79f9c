from __future__ import annotations

import datetime as dt
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel, ConfigDict, Field

from steiger.participant.application import ParticipantApplication
from steiger.participant.domain.errors import ParticipantNotFound
from steiger.shared.contracts.participant import Household
from steiger.shared.http import current_application

Participants = Annotated[ParticipantApplication, Depends(current_application)]
router = APIRouter(tags=["participants"])

DOMAIN_ERRORS = {ParticipantNotFound: 404}


class RegistrationIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    birth_year: int = Field(ge=1900, le=dt.date.today().year)
    municipality: str = Field(min_length=1, max_length=100)
    programme: str = Field(min_length=1, max_length=64, examples=["debt-help"])
    household: Household
    registered_on: dt.date = Field(default_factory=dt.date.today)
    external_id: str | None = Field(None, max_length=64)


class Registered(BaseModel):
    participant_id: UUID


@router.post("/participants", status_code=status.HTTP_201_CREATED)
def register(body: RegistrationIn, participants: Participants) -> Registered:
    participant_id = participants.register(
        body.name,
        body.birth_year,
        body.municipality,
        body.programme,
        body.household.model_dump(),
        body.registered_on,
        body.external_id,
    )
    return Registered(participant_id=participant_id)


@router.get("/participants/{participant_id}")
def participant(participant_id: UUID, participants: Participants) -> dict:
    return participants.participant(participant_id)
