from __future__ import annotations

import datetime as dt
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from steiger.shared.contracts.base import IntegrationEvent, Timestamp


class Household(BaseModel):
    """Selects the household type of the Economic Independence Index."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    adults: int = Field(ge=1, le=10)
    preschool_children: int = Field(0, ge=0, le=15)
    school_age_children: int = Field(0, ge=0, le=15)


class ParticipantRegistered(IntegrationEvent):
    """A participant joined a programme (intake). No name, contact details or BSN."""

    event_type: ClassVar[str] = "nl.steiger.participant.participant-registered.v1"

    programme: str
    cohort: str = Field(pattern=r"^\d{4}-\d{2}$", description="intake month, YYYY-MM")
    municipality: str
    neighbourhood: str | None = Field(None, description="wijk, for dashboards")
    target_group: str | None = None
    language: str = Field("nl", description="preferred language of messages: nl, en")
    household: Household
    registered_at: Timestamp


class ParticipantErased(IntegrationEvent):
    """The participant's personal data was destroyed (GDPR art. 17). Their pseudonymous
    history stays usable for statistics; nothing may be sent to them any more."""

    event_type: ClassVar[str] = "nl.steiger.participant.participant-erased.v1"

    erased_on: dt.date
