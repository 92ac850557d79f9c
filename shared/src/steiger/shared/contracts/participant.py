from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal
from uuid import UUID

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


class HouseholdChanged(IntegrationEvent):
    """The participant's household changed (a birth, someone moving in or out, a corrected
    intake): from `changed_on`, the Economic Independence Index is that household's."""

    event_type: ClassVar[str] = "nl.steiger.participant.household-changed.v1"

    household: Household
    change: Literal["birth", "moved-in", "moved-out", "other"]
    changed_on: dt.date


class ProcessingRestricted(IntegrationEvent):
    """The participant's file is frozen (GDPR art. 18): kept, readable by the privacy
    officer, but not processed: no changes, no reminders, no partner deliveries."""

    event_type: ClassVar[str] = "nl.steiger.participant.processing-restricted.v1"

    restricted_on: dt.date


class RestrictionLifted(IntegrationEvent):
    """The file is processed again, as before the restriction."""

    event_type: ClassVar[str] = "nl.steiger.participant.restriction-lifted.v1"

    lifted_on: dt.date


class ParticipantStatusChanged(IntegrationEvent):
    """Paused (dropped out, may return), active again, or exited (with a reason category)."""

    event_type: ClassVar[str] = "nl.steiger.participant.status-changed.v1"

    status: Literal["active", "paused", "exited"]
    exit_reason: Literal["self-sufficient", "moved", "deceased", "other"] | None = None
    changed_on: dt.date


class MentorAssigned(IntegrationEvent):
    """A mentor took the participant on (a transfer names the previous mentor)."""

    event_type: ClassVar[str] = "nl.steiger.participant.mentor-assigned.v1"

    mentor_id: UUID
    previous_mentor_id: UUID | None = None
    team: str | None = Field(
        None, description="the mentor's team: its team leads oversee the participant's case"
    )
    assigned_on: dt.date


PARTNER_CATEGORIES = ("participant", "bridge", "planning", "rewards")
"""What a participant may let a chain partner see, by the service whose events it is (the
`<category>` of `nl.steiger.<category>.<event>.v1`)."""
PARTNER_KEY = r"^[a-z0-9][a-z0-9-]{0,62}$"
"""How consents and the notifications service name a chain partner: `schuldhulp-rijnstreek`."""
CLIENT_REFERENCE = r"^[A-Za-z0-9._:/-]{1,64}$"
"""The partner's own reference for the participant (a file number): a code, never a text."""


class ConsentGranted(IntegrationEvent):
    """Consent for one purpose; for partner sharing, which partner and event categories."""

    event_type: ClassVar[str] = "nl.steiger.participant.consent-granted.v1"

    purpose: Literal["partner-sharing", "research", "success-story"]
    partner: str | None = None
    categories: list[str] = Field(default_factory=list)
    text_version: str = Field(description="version of the consent text the participant saw")
    granted_on: dt.date
    client_reference: str | None = Field(
        None, pattern=CLIENT_REFERENCE, description="the partner's own reference for them"
    )
    share_history: bool = Field(
        False, description="the partner may also see what happened before this consent"
    )


class ConsentWithdrawn(IntegrationEvent):
    """Consent withdrawn: later feeds leave the participant out for this purpose."""

    event_type: ClassVar[str] = "nl.steiger.participant.consent-withdrawn.v1"

    purpose: Literal["partner-sharing", "research", "success-story"]
    partner: str | None = None
    withdrawn_on: dt.date


DEFAULT_CHANNELS: tuple[Literal["sms", "email", "webhook"], ...] = ("email", "sms")
"""A participant's channels, the one to try first first, until they choose their own (the
first ContactPreferencesChanged): the participant service shows these, notifications uses them."""


class ContactPreferencesChanged(IntegrationEvent):
    """How and when the participant wants messages; the addresses stay in this service."""

    event_type: ClassVar[str] = "nl.steiger.participant.contact-preferences-changed.v1"

    channels: list[Literal["sms", "email", "webhook"]]
    time_of_day: Literal["morning", "afternoon", "evening"]
    quiet_from: dt.time | None = None
    quiet_until: dt.time | None = None
    opted_out: list[Literal["sms", "email", "webhook"]] = Field(default_factory=list)
