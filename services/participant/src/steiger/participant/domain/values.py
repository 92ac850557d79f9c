"""Values of the participant's journey: status, consent, contact preferences."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from steiger.shared.contracts.participant import DEFAULT_CHANNELS


class Status(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"  # dropped out; may return without penalty
    EXITED = "exited"


class ExitReason(StrEnum):
    SELF_SUFFICIENT = "self-sufficient"
    MOVED = "moved"
    DECEASED = "deceased"
    OTHER = "other"


class HouseholdChange(StrEnum):
    BIRTH = "birth"
    MOVED_IN = "moved-in"
    MOVED_OUT = "moved-out"
    OTHER = "other"  # e.g. a correction of what the intake recorded


class ConsentPurpose(StrEnum):
    PARTNER_SHARING = "partner-sharing"  # with a named chain partner, for chosen categories
    RESEARCH = "research"  # the exchange network's research use
    SUCCESS_STORY = "success-story"  # publication of their story


class Channel(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    WEBHOOK = "webhook"


class TimeOfDay(StrEnum):
    MORNING = "morning"  # the default, per the service principles
    AFTERNOON = "afternoon"
    EVENING = "evening"


@dataclass(frozen=True)
class StatusChange:
    status: Status
    on: dt.date
    reason: str | None


@dataclass(frozen=True)
class Consent:
    purpose: ConsentPurpose
    partner: str | None
    categories: tuple[str, ...]
    text_version: str
    granted_on: dt.date
    client_reference: str | None = None
    share_history: bool = False
    show_name: bool = False
    """A success story may name the participant (otherwise it is told by "a participant")."""

    @property
    def key(self) -> str:
        return f"{self.purpose}:{self.partner or ''}"


@dataclass(frozen=True)
class ContactPreferences:
    channels: tuple[Channel, ...] = tuple(Channel(name) for name in DEFAULT_CHANNELS)
    time_of_day: TimeOfDay = TimeOfDay.MORNING
    quiet_from: dt.time | None = dt.time(21, 0)
    quiet_until: dt.time | None = dt.time(8, 0)
    opted_out: tuple[Channel, ...] = ()
