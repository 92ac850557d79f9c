from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Response, status
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from steiger.participant.application import ParticipantApplication
from steiger.participant.domain.errors import (
    DuplicateParticipant,
    InvalidBsn,
    ParticipantErased,
    ParticipantNotFound,
)
from steiger.participant.domain.personal_data import Address, PersonalData
from steiger.shared.contracts.participant import Household
from steiger.shared.http import current_application

Participants = Annotated[ParticipantApplication, Depends(current_application)]
router = APIRouter(tags=["participants"])

DOMAIN_ERRORS = {
    ParticipantNotFound: 404,
    ParticipantErased: 410,
    DuplicateParticipant: 409,
    InvalidBsn: 422,
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AddressIn(Strict):
    street: str = Field(min_length=1, max_length=200)
    house_number: str = Field(min_length=1, max_length=20)
    postcode: str = Field(pattern=r"^[1-9][0-9]{3} ?[A-Z]{2}$", examples=["2405 BH"])
    city: str = Field(min_length=1, max_length=100)


class RegistrationIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    birth_year: int = Field(ge=1900, le=dt.date.today().year)
    phone: str | None = Field(None, pattern=r"^\+?[0-9 ()-]{6,20}$")
    email: EmailStr | None = None
    address: AddressIn | None = None
    bsn: str | None = Field(None, description="checked with the eleven-test; shown back masked")
    language: Literal["nl", "en"] = "nl"
    municipality: str = Field(min_length=1, max_length=100)
    neighbourhood: str | None = Field(None, max_length=100, description="wijk")
    programme: str = Field(min_length=1, max_length=64, examples=["debt-help"])
    target_group: str | None = Field(None, max_length=64)
    household: Household
    registered_on: dt.date = Field(default_factory=dt.date.today)
    external_id: str | None = Field(None, min_length=1, max_length=64)


class Registered(BaseModel):
    participant_id: UUID


@router.post(
    "/participants",
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "already registered (same BSN or external id)"}},
)
def register(body: RegistrationIn, participants: Participants) -> Registered:
    personal = PersonalData(
        name=body.name,
        birth_year=body.birth_year,
        phone=body.phone,
        email=body.email,
        address=Address(**body.address.model_dump()) if body.address else None,
        bsn=body.bsn,
        external_id=body.external_id,
    )
    participant_id = participants.register(
        personal,
        programme=body.programme,
        municipality=body.municipality,
        neighbourhood=body.neighbourhood,
        target_group=body.target_group,
        language=body.language,
        household=body.household.model_dump(),
        registered_on=body.registered_on,
    )
    return Registered(participant_id=participant_id)


@router.get("/participants/{participant_id}", responses={410: {"description": "erased"}})
def participant(participant_id: UUID, participants: Participants) -> dict:
    return participants.participant(participant_id)


@router.delete(
    "/participants/{participant_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Erase (GDPR art. 17): destroys the participant's key; statistics stay",
)
def erase(participant_id: UUID, participants: Participants) -> Response:
    participants.erase(participant_id, dt.date.today())
    return Response(status_code=status.HTTP_204_NO_CONTENT)
