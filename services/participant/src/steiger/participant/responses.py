"""What the participant API answers: a model per response, so its OpenAPI document says it
and a generated client needs no hand edits. (What it accepts is in `schemas`.)"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from steiger.participant.domain.personal_data import Address
from steiger.participant.domain.values import (
    Channel,
    Consent,
    Status,
    TimeOfDay,
)
from steiger.shared.audit import AuditOut
from steiger.shared.contracts.participant import Household
from steiger.shared.dates import LocalTime


class Registered(BaseModel):
    participant_id: UUID


class MentorCreated(BaseModel):
    mentor_id: UUID


class ParticipantOut(BaseModel):
    participant_id: UUID
    name: str
    birth_year: int
    phone: str | None
    email: str | None
    address: Address | None
    bsn: str | None = Field(description="masked: only the last three digits show")
    external_id: str | None
    language: str
    programme: str
    municipality: str
    neighbourhood: str | None
    target_group: str | None
    cohort: str = Field(description="the month of intake", examples=["2026-11"])
    household: Household


class StatusChange(BaseModel):
    status: Status
    on: dt.date
    reason: str | None


class ContactDisclosure(BaseModel):
    channel: Channel
    to: str = Field(description="who asked for the address")
    purpose: str
    at: dt.datetime


class ContactPreferencesOut(BaseModel):
    channels: list[Channel] = Field(description="in the participant's order of preference")
    time_of_day: TimeOfDay
    quiet_from: LocalTime | None
    quiet_until: LocalTime | None
    opted_out: list[Channel]


class Rectification(BaseModel):
    on: dt.date
    changed: list[str]
    reason: str
    previously: dict[str, Any] = Field(description="what the changed fields held before")


class HouseholdOut(BaseModel):
    adults: int
    preschool_children: int
    school_age_children: int


class HouseholdChangeOut(BaseModel):
    on: dt.date
    change: str
    household: HouseholdOut


class RestrictionOut(BaseModel):
    since: dt.date
    until: dt.date | None
    reason: str


class RetentionDue(BaseModel):
    participant_id: UUID
    programme: str
    exited_on: dt.date
    erase_on: dt.date = Field(description="exit plus the programme's retention period")
    held: Literal["restricted"] | None = Field(description="why it is not erased, if it is not")


class Rectified(BaseModel):
    changed: list[str] = Field(description="the fields that changed (none: nothing recorded)")


class HeldHere(ParticipantOut):
    bsn: str | None = Field(description="in full: the person may see their own number")
    status_history: list[StatusChange]
    mentor_id: UUID | None
    consents: list[Consent]
    contact_preferences: ContactPreferencesOut
    contact_disclosures: list[ContactDisclosure]
    rectifications: list[Rectification] = Field(description="GDPR art. 16, with earlier values")
    household_changes: list[HouseholdChangeOut]
    restrictions: list[RestrictionOut] = Field(description="GDPR art. 18: when, and why")
    stories: list[dict[str, Any]] = Field(description="their success stories, as written")


class MergedAudit(BaseModel):
    participant_id: UUID
    entries: list[AuditOut] = Field(description="every service's, in time order")
    unavailable: dict[str, str] = Field(description="services that could not be asked, and why")


class SubjectAccess(BaseModel):
    complete: bool = Field(description="false when a service could not be asked")
    participant: HeldHere
    held_by_other_services: dict[str, dict[str, Any] | list[Any] | None] = Field(
        description="per service: what it answers about the participant, null if nothing, "
        "or `unavailable` with why it could not be asked"
    )
    who_looked: list[AuditOut] = Field(
        description="who read or changed the file, in every service, when (GDPR art. 15)"
    )


class Found(BaseModel):
    participant_id: UUID
    name: str
    birth_year: int
    external_id: str | None


class Rejected(BaseModel):
    line: int
    reason: str


class ImportReportOut(BaseModel):
    encoding: str = Field(description="how the file's text was read")
    rows: int
    created: int
    already_present: int
    rejected: list[Rejected]


class CaseloadEntry(BaseModel):
    participant_id: UUID
    name: str
    status: Status


class Caseload(BaseModel):
    mentor_id: UUID
    name: str
    participants: list[CaseloadEntry]


class TeamMember(BaseModel):
    mentor_id: UUID
    name: str
    participants: int = Field(description="how many participants are on their caseload")


class Team(BaseModel):
    team: str
    mentors: list[TeamMember]


class TeamCaseloadEntry(CaseloadEntry):
    mentor_id: UUID


class TeamCaseload(BaseModel):
    team: str
    participants: list[TeamCaseloadEntry] = Field(description="by name")


class ContactAddress(BaseModel):
    channel: Channel
    address: str | None = Field(description="null when the participant gave none for it")
    language: str
