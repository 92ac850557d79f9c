from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi import Path as FastApiPath
from pydantic import Field

from steiger.participant.application import ParticipantApplication
from steiger.participant.domain.errors import (
    ConsentNotGiven,
    DuplicateParticipant,
    InvalidBsn,
    InvalidTransition,
    MentorExists,
    MentorNotFound,
    ParticipantErased,
    ParticipantNotFound,
    StoryNotFound,
    StoryRefused,
)
from steiger.participant.domain.values import (
    Channel,
    Consent,
    ConsentPurpose,
    ContactPreferences,
    ExitReason,
    HouseholdChange,
    TimeOfDay,
)
from steiger.participant.export_pdf import render_export
from steiger.participant.importing import (
    ImportReport,
    UnsupportedImport,
    csv_rows,
    import_rows,
    json_lines,
)
from steiger.participant.peers import gather, gather_audit
from steiger.participant.responses import (
    Caseload,
    ContactAddress,
    ContactPreferencesOut,
    Found,
    ImportReportOut,
    MentorCreated,
    MergedAudit,
    ParticipantOut,
    Rectified,
    Registered,
    RetentionDue,
    StatusChange,
    SubjectAccess,
    Team,
    TeamCaseload,
)
from steiger.participant.schemas import HouseholdChangeIn, RectificationIn, RegistrationIn
from steiger.participant.stories_api import router as stories_router
from steiger.shared import clock
from steiger.shared.access import (
    CASE_READERS,
    CASEWORK,
    CurrentCaller,
    Forbidden,
    Role,
    admits,
    as_uuid,
    oversees,
    visible,
)
from steiger.shared.audit import AuditTrail
from steiger.shared.concurrency import off_the_loop, on_event_loop
from steiger.shared.contracts.participant import CLIENT_REFERENCE, PARTNER_KEY
from steiger.shared.dates import EffectiveDay, LocalTime
from steiger.shared.http import (
    Strict,
    Today,
    charset_of,
    current_application,
    read_limited,
)
from steiger.shared.openapi import BINARY, problems
from steiger.shared.spreadsheets import UnreadableText, decode_text

Participants = Annotated[ParticipantApplication, Depends(current_application)]
router = APIRouter(tags=["participants"])
router.include_router(stories_router)

DOMAIN_ERRORS = {
    ParticipantNotFound: 404,
    ParticipantErased: 410,
    DuplicateParticipant: 409,
    InvalidBsn: 422,
    MentorNotFound: 404,
    MentorExists: 409,
    InvalidTransition: 409,
    ConsentNotGiven: 404,
    UnsupportedImport: 415,
    UnreadableText: 422,
    StoryNotFound: 404,
    StoryRefused: 422,
}
MAX_IMPORT_BYTES = 64 * 1024 * 1024
"""An import's body at most: `steiger import` sends a file in chunks of 500 rows (~100 kB)."""


@router.post(
    "/participants",
    status_code=status.HTTP_201_CREATED,
    summary="Intake: a mentor who registers a participant takes them on",
    responses={409: {"description": "Conflict: already registered (same BSN or external id)"}},
    dependencies=[admits(*CASEWORK)],
)
@on_event_loop
def register(body: RegistrationIn, participants: Participants, caller: CurrentCaller) -> Registered:
    # a mentor takes on whom they register; one not registered as a mentor leaves the
    # participant to be assigned by a team lead
    mentor_id = as_uuid(caller.subject) if Role.MENTOR in caller.roles else None
    participant_id = participants.register(
        body.personal_data(), **body.intake(), mentor_id=mentor_id
    )
    return Registered(participant_id=participant_id)


@router.post(
    "/participants/import",
    summary="Bulk import (CSV with a header row, or JSON lines); one report for the file",
    responses=problems(413, 415),
    dependencies=[admits(Role.ADMINISTRATOR)],
    openapi_extra={
        "requestBody": {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/x-ndjson": {"schema": {"type": "string"}},
            }
        }
    },
)
async def import_participants(
    request: Request,
    participants: Participants,
    first_line: int = Query(1, ge=1, description="line number of the body's first line"),
) -> ImportReportOut:
    media_type, _, parameters = request.headers.get("content-type", "").partition(";")
    media_type = media_type.strip()
    if media_type not in ("text/csv", "application/x-ndjson", "application/jsonl"):
        raise UnsupportedImport("send text/csv or application/x-ndjson")
    body = await read_limited(request, MAX_IMPORT_BYTES)
    text, encoding = decode_text(body, charset_of(parameters))
    rows = csv_rows(text, first_line) if media_type == "text/csv" else json_lines(text, first_line)
    report = await off_the_loop(import_rows, participants, rows, ImportReport(encoding))
    return ImportReportOut.model_validate(asdict(report))


@router.get(
    "/participants/{participant_id}",
    response_model=ParticipantOut,
    dependencies=[admits(*CASE_READERS, Role.PRIVACY_OFFICER)],
)
@on_event_loop
def participant(participant_id: UUID, participants: Participants) -> dict[str, Any]:
    return participants.participant(participant_id)


@router.get(
    "/participants/{participant_id}/export",
    summary="Subject access (GDPR art. 15): everything held about the participant, everywhere",
    response_model=SubjectAccess,
    dependencies=[admits(Role.PRIVACY_OFFICER, Role.PARTICIPANT, while_restricted=True)],
)
async def subject_access(
    participant_id: UUID, participants: Participants, caller: CurrentCaller, request: Request
) -> dict[str, Any]:
    """Machine-readable: this service's part and every other service's, and the audit trail
    of every service (who read or changed the file)."""
    return await full_export(request, participants, participant_id, caller.subject)


@router.get(
    "/participants/{participant_id}/export.pdf",
    summary="Subject access (GDPR art. 15) as a document to read, in the participant's language",
    response_class=Response,
    responses={200: {"content": {"application/pdf": BINARY}}},
    dependencies=[admits(Role.PRIVACY_OFFICER, Role.PARTICIPANT, while_restricted=True)],
)
async def subject_access_document(
    participant_id: UUID,
    participants: Participants,
    caller: CurrentCaller,
    request: Request,
    today: Today,
    lang: Literal["nl", "en"] | None = Query(None, description="default: the participant's"),
) -> Response:
    export = await full_export(request, participants, participant_id, caller.subject)
    language = lang or export["participant"]["language"]
    document = await off_the_loop(render_export, export, language, today)
    return Response(document, media_type="application/pdf")


async def full_export(
    request: Request, participants: ParticipantApplication, participant_id: UUID, asked_by: str
) -> dict[str, Any]:
    own = await off_the_loop(participants.subject_access, participant_id)
    credentials = request.app.state.credentials
    elsewhere = await gather(participants.peer_urls, participant_id, credentials, asked_by)
    looked_at = await merged_audit(request, participant_id, asked_by)
    complete = not looked_at["unavailable"] and not any(
        isinstance(v, dict) and "unavailable" in v for v in elsewhere.values()
    )
    return {
        "complete": complete,
        "participant": own,
        "held_by_other_services": elsewhere,
        "who_looked": looked_at["entries"],
    }


audit_router = APIRouter(tags=["audit"])


@audit_router.get(
    "/audit",
    summary="Who read or changed the participant's case, in every service, in time order",
    response_model=MergedAudit,
    dependencies=[admits(Role.PRIVACY_OFFICER)],
)
async def audit(participant: UUID, request: Request, caller: CurrentCaller) -> dict[str, Any]:
    return await merged_audit(request, participant, caller.subject)


async def merged_audit(request: Request, participant_id: UUID, asked_by: str) -> dict[str, Any]:
    """This service's trail and every other's (asked with its own token, for `asked_by`)."""
    trail: AuditTrail = request.app.state.audit
    own = await off_the_loop(trail.of, participant_id)
    participants: ParticipantApplication = request.app.state.application
    credentials = request.app.state.credentials
    others, unavailable = await gather_audit(
        participants.peer_urls, participant_id, credentials, asked_by
    )
    entries = sorted([*own, *others], key=lambda e: (e["at"], e["service"], e["position"]))
    return {"participant_id": participant_id, "entries": entries, "unavailable": unavailable}


@router.delete(
    "/participants/{participant_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Erase (GDPR art. 17): destroys the participant's key; statistics stay",
    dependencies=[admits(Role.PRIVACY_OFFICER, while_restricted=True)],
)
@on_event_loop
def erase(participant_id: UUID, participants: Participants, today: Today) -> Response:
    participants.erase(participant_id, today)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/operations/retention",
    tags=["privacy"],
    summary="Whose retention period after exit has ended: who the next run erases (dry run)",
    response_model=list[RetentionDue],
    dependencies=[admits(Role.PRIVACY_OFFICER, Role.ADMINISTRATOR)],
)
@on_event_loop
def retention_due(participants: Participants, today: Today) -> list[dict[str, Any]]:
    """`held: restricted` marks a file the run leaves alone: its processing is restricted."""
    return participants.retention_due(today)


@router.post(
    "/operations/retention",
    tags=["privacy"],
    summary="Erase now everyone whose retention period after exit has ended",
    response_model=list[RetentionDue],
    dependencies=[admits(Role.PRIVACY_OFFICER, Role.ADMINISTRATOR)],
)
@on_event_loop
def apply_retention(participants: Participants, today: Today) -> list[dict[str, Any]]:
    """The service does this by itself daily; each erasure records who asked."""
    return participants.apply_retention(today)


class RestrictionIn(Strict):
    reason: str = Field(min_length=1, max_length=500, description="e.g. the accuracy is contested")
    on: EffectiveDay = Field(default_factory=clock.today, description="default: today")


RESTRICTION: dict[str, Any] = {
    "status_code": status.HTTP_204_NO_CONTENT,
    "response_class": Response,
    "dependencies": [admits(Role.PRIVACY_OFFICER, while_restricted=True)],
}


@router.post(
    "/participants/{participant_id}/restriction",
    summary="Restrict processing (GDPR art. 18): the file is frozen in every service",
    **RESTRICTION,
)
@on_event_loop
def restrict(participant_id: UUID, body: RestrictionIn, participants: Participants) -> None:
    """Kept and readable by the privacy officer; no changes, no reminders, no partner
    deliveries, in any service, until the restriction is lifted."""
    participants.restrict(participant_id, body.reason, body.on)


@router.delete(
    "/participants/{participant_id}/restriction",
    summary="Lift the restriction: the file is processed again",
    **RESTRICTION,
)
@on_event_loop
def lift_restriction(participant_id: UUID, participants: Participants, today: Today) -> None:
    participants.lift_restriction(participant_id, today)


NO_CONTENT: dict[str, Any] = {"status_code": status.HTTP_204_NO_CONTENT, "response_class": Response}
CASE_CHANGE = {**NO_CONTENT, "dependencies": [admits(*CASEWORK)]}
"""A change to a case by those who work on it."""
PARTICIPANTS_OWN = {**NO_CONTENT, "dependencies": [admits(*CASE_READERS)]}
"""A change the participant may make themselves too (consent, contact preferences)."""
OnDay = Field(default_factory=clock.today, description="default: today")


@router.get(
    "/participants",
    summary="Search by name fragment, external id or birth year: among the caller's cases",
    response_model=list[Found],
    dependencies=[admits(*CASEWORK, Role.PRIVACY_OFFICER)],
)
def search(
    request: Request,
    participants: Participants,
    name: str | None = Query(None, min_length=2, max_length=200),
    external_id: str | None = Query(None, max_length=64),
    birth_year: int | None = Query(None, ge=1900, le=2100),
) -> list[dict[str, Any]]:
    return visible(request, participants.search(name, external_id, birth_year))


# status over time


@router.patch(
    "/participants/{participant_id}/personal-data",
    summary="Rectification (GDPR art. 16): correct name, contact details, address or BSN",
    response_model=Rectified,
    responses={409: {"description": "Conflict: another participant has that BSN or external id"}},
    dependencies=[admits(*CASEWORK, Role.PRIVACY_OFFICER)],
)
@on_event_loop
def rectify(participant_id: UUID, body: RectificationIn, participants: Participants) -> Rectified:
    """The fields given replace what is recorded, with the reason; the earlier data stays in
    the history (and in the subject access export)."""
    changed = participants.rectify(participant_id, body.changes(), body.reason, body.on)
    return Rectified(changed=changed)


@router.post(
    "/participants/{participant_id}/household",
    summary="A household change: a birth, someone moving in or out",
    **CASE_CHANGE,
)
@on_event_loop
def change_household(
    participant_id: UUID, body: HouseholdChangeIn, participants: Participants
) -> None:
    """Published as HouseholdChanged: the Economic Independence Index follows the household."""
    participants.change_household(
        participant_id, body.household.model_dump(), HouseholdChange(body.change), body.on
    )


class PauseIn(Strict):
    on: EffectiveDay = OnDay
    reason: str | None = Field(None, max_length=500)


class ResumeIn(Strict):
    on: EffectiveDay = OnDay


class ExitIn(Strict):
    on: EffectiveDay = OnDay
    reason: ExitReason


@router.post("/participants/{participant_id}/pause", **CASE_CHANGE)
@on_event_loop
def pause(participant_id: UUID, body: PauseIn, participants: Participants) -> None:
    participants.pause(participant_id, body.on, body.reason)


@router.post("/participants/{participant_id}/resume", **CASE_CHANGE)
@on_event_loop
def resume(participant_id: UUID, body: ResumeIn, participants: Participants) -> None:
    participants.resume(participant_id, body.on)


@router.post("/participants/{participant_id}/exit", **CASE_CHANGE)
@on_event_loop
def exit_programme(participant_id: UUID, body: ExitIn, participants: Participants) -> None:
    participants.exit(participant_id, body.on, body.reason)


@router.get(
    "/participants/{participant_id}/history",
    response_model=list[StatusChange],
    dependencies=[admits(*CASE_READERS, Role.PRIVACY_OFFICER)],
)
@on_event_loop
def history(participant_id: UUID, participants: Participants) -> list[dict[str, Any]]:
    return participants.history(participant_id)


# mentors


class MentorIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    organisation: str | None = Field(None, max_length=200)
    team: str | None = Field(
        None, min_length=1, max_length=100, description="whose team leads oversee the caseload"
    )
    mentor_id: UUID | None = Field(
        None, description="the mentor's user id at the issuer (their tokens' subject)"
    )


class AssignmentIn(Strict):
    mentor_id: UUID
    on: EffectiveDay = OnDay
    reason: str | None = Field(None, max_length=500, description="required for a transfer")


@router.post(
    "/mentors",
    status_code=status.HTTP_201_CREATED,
    tags=["mentors"],
    dependencies=[admits(Role.ADMINISTRATOR)],
)
@on_event_loop
def register_mentor(body: MentorIn, participants: Participants) -> MentorCreated:
    mentor_id = participants.register_mentor(
        body.name, body.organisation, body.team, body.mentor_id
    )
    return MentorCreated(mentor_id=mentor_id)


@router.get(
    "/mentors/{mentor_id}/caseload",
    tags=["mentors"],
    summary="A mentor's caseload: their own, or one of their team's",
    response_model=Caseload,
    dependencies=[admits(*CASEWORK)],
)
def caseload(mentor_id: UUID, participants: Participants, caller: CurrentCaller) -> dict[str, Any]:
    if not oversees(caller, mentor_id, participants.mentor_team(mentor_id)):
        raise Forbidden(f"the caseload of mentor {mentor_id} is not yours to see")
    return participants.caseload(mentor_id)


def overseen_team(
    caller: CurrentCaller, team: str = FastApiPath(min_length=1, max_length=100)
) -> str:
    """A team the caller leads (an administrator: any)."""
    if Role.ADMINISTRATOR not in caller.roles and team not in caller.teams:
        raise Forbidden(f"team {team!r} is not yours to oversee")
    return team


OverseenTeam = Annotated[str, Depends(overseen_team)]


@router.get(
    "/teams/{team}/mentors",
    tags=["mentors"],
    summary="A team's mentors, for its team leads: whose caseloads they oversee",
    response_model=Team,
    dependencies=[admits(Role.TEAM_LEAD, Role.ADMINISTRATOR)],
)
def team(participants: Participants, team: OverseenTeam) -> dict[str, Any]:
    return {"team": team, "mentors": participants.team(team)}


@router.get(
    "/teams/{team}/caseload",
    tags=["mentors"],
    summary="Every caseload of a team's mentors in one list, for its team leads",
    response_model=TeamCaseload,
    dependencies=[admits(Role.TEAM_LEAD, Role.ADMINISTRATOR)],
)
def team_caseload(participants: Participants, team: OverseenTeam) -> dict[str, Any]:
    return {"team": team, "participants": participants.team_caseload(team)}


@router.put(
    "/participants/{participant_id}/mentor",
    summary="Assign a mentor, or transfer to another within the team",
    dependencies=[admits(Role.TEAM_LEAD)],
    **NO_CONTENT,
)
@on_event_loop
def assign_mentor(
    participant_id: UUID, body: AssignmentIn, participants: Participants, caller: CurrentCaller
) -> None:
    if participants.mentor_team(body.mentor_id) not in caller.teams:
        raise Forbidden(f"mentor {body.mentor_id} is not in your team")
    participants.assign_mentor(participant_id, body.mentor_id, body.on, body.reason)


# consent


class ConsentIn(Strict):
    purpose: ConsentPurpose
    partner: str | None = Field(
        None, pattern=PARTNER_KEY, description="the chain partner's key, for partner sharing"
    )
    categories: list[str] = Field(default_factory=list, max_length=20)
    text_version: str = Field(min_length=1, max_length=32, examples=["2026-01"])
    on: EffectiveDay = OnDay
    client_reference: str | None = Field(
        None,
        pattern=CLIENT_REFERENCE,
        description="the partner's own reference for the participant, sent along with what "
        "the partner receives (a code such as a file number, never a text)",
    )
    share_history: bool = Field(
        False, description="the partner may also see what happened before this consent"
    )
    show_name: bool = Field(
        False, description="a success story may name the participant (success-story only)"
    )


@router.post("/participants/{participant_id}/consents", **PARTICIPANTS_OWN)
@on_event_loop
def grant_consent(participant_id: UUID, body: ConsentIn, participants: Participants) -> None:
    participants.grant_consent(
        participant_id,
        body.purpose,
        body.partner,
        body.categories,
        body.text_version,
        body.on,
        body.client_reference,
        body.share_history,
        body.show_name,
    )


@router.delete("/participants/{participant_id}/consents/{purpose}", **PARTICIPANTS_OWN)
@on_event_loop
def withdraw_consent(
    participant_id: UUID,
    purpose: ConsentPurpose,
    participants: Participants,
    today: Today,
    partner: str | None = Query(None, pattern=PARTNER_KEY),
) -> None:
    participants.withdraw_consent(participant_id, purpose, partner, today)


@router.get(
    "/participants/{participant_id}/consents",
    response_model=list[Consent],
    dependencies=[admits(*CASE_READERS, Role.PRIVACY_OFFICER)],
)
@on_event_loop
def consents(participant_id: UUID, participants: Participants) -> list[dict[str, Any]]:
    return participants.consents(participant_id)


# contact


class ContactPreferencesIn(Strict):
    channels: list[Channel] = Field(min_length=1)
    time_of_day: TimeOfDay = TimeOfDay.MORNING
    quiet_from: LocalTime | None = dt.time(21, 0)
    quiet_until: LocalTime | None = dt.time(8, 0)
    opted_out: list[Channel] = Field(default_factory=list)


@router.get(
    "/participants/{participant_id}/contact-preferences",
    response_model=ContactPreferencesOut,
    dependencies=[admits(*CASE_READERS)],
)
@on_event_loop
def contact_preferences(participant_id: UUID, participants: Participants) -> dict[str, Any]:
    """How and when the participant wants to hear from Steiger (no address: those stay
    with `/contact/{channel}`, disclosed for a purpose)."""
    return participants.contact_preferences(participant_id)


@router.put("/participants/{participant_id}/contact-preferences", **PARTICIPANTS_OWN)
@on_event_loop
def set_contact_preferences(
    participant_id: UUID, body: ContactPreferencesIn, participants: Participants
) -> None:
    preferences = ContactPreferences(
        tuple(body.channels),
        body.time_of_day,
        body.quiet_from,
        body.quiet_until,
        tuple(body.opted_out),
    )
    participants.set_contact_preferences(participant_id, preferences)


@router.get(
    "/participants/{participant_id}/contact/{channel}",
    summary="One address for one send; every call is recorded in the participant's history",
    tags=["internal"],
    response_model=ContactAddress,
    responses=problems(409),  # the participant opted out of the channel
    dependencies=[admits(Role.SERVICE)],
)
@on_event_loop
def contact_address(
    participant_id: UUID,
    channel: Channel,
    participants: Participants,
    caller: CurrentCaller,
    purpose: str = Query(min_length=1, max_length=200, examples=["reminder:<reminder id>"]),
) -> dict[str, Any]:
    """Who asks is the token's subject: the calling service's client."""
    return participants.contact_address(participant_id, channel, caller.subject, purpose)
