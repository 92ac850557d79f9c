"""What chain partners may see of a participant, and what each subscription was sent.

`SharedHistory`, one per participant: every event a partner could ever receive about them,
minimised (`steiger.shared.contracts.partners`), in order, with the participant's
consents to partners and the attributes subscriptions filter on. Kept for every participant,
so that a consent that includes the past can be honoured; erasure ends it.

`Deliveries`, one per subscription and participant: how far the webhook got in that
participant's history, the failing attempt and when to try again, and what was parked.

Who may see an entry is decided when it is delivered or read, never earlier: a consent
withdrawn (or an erasure, a restriction, a subscription ended) stops everything not yet
sent, from that moment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from steiger.shared.contracts.partners import SHAREABLE


@dataclass(frozen=True)
class PartnerConsent:
    categories: frozenset[str]
    granted_at: dt.datetime | None
    """When the participant service recorded the consent: the partner sees what happened
    after it; None when the consent includes the past."""
    client_reference: str | None


@dataclass(frozen=True)
class Entry:
    """One event of the history, as a partner could receive it (ids still Steiger's)."""

    participant_id: UUID
    version: int
    event_type: str
    data: dict[str, Any]
    time: dt.datetime
    """When it happened, as the service that recorded it stamped it."""

    @classmethod
    def of(cls, participant_id: UUID, shared: Any) -> Entry:
        """The entry a `SharedHistory.Shared` event of the participant's history records."""
        return cls(
            participant_id,
            shared.originator_version,
            shared.event_type,
            shared.data,
            shared.occurred_at,
        )


class SharedHistory(Aggregate):
    if TYPE_CHECKING:  # made by the @event decorators below (dynamic: typed Any)
        Opened: ClassVar[type[Any]]
        Registered: ClassVar[type[Any]]
        Shared: ClassVar[type[Any]]
        Consented: ClassVar[type[Any]]
        Withdrawn: ClassVar[type[Any]]
        Erased: ClassVar[type[Any]]

    @staticmethod
    def create_id(participant_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"urn:steiger:shared-history:{participant_id}")

    @event("Opened")
    def __init__(self, participant_id: UUID) -> None:
        self.participant_id = participant_id
        self.attributes: dict[str, str | None] = {"programme": None, "municipality": None}
        self.consents: dict[str, PartnerConsent] = {}
        self.erased = False

    @event("Registered")
    def registered(self, programme: str, municipality: str) -> None:
        self.attributes = {"programme": programme, "municipality": municipality}

    def share(self, event_type: str, data: dict[str, Any], occurred_at: dt.datetime) -> None:
        if not self.erased:
            self._shared(event_type, data, occurred_at)

    @event("Shared")
    def _shared(self, event_type: str, data: dict[str, Any], occurred_at: dt.datetime) -> None:
        pass  # read back from the store when delivered: the aggregate keeps only consents

    def consent(
        self,
        partner: str,
        categories: list[str],
        client_reference: str | None,
        share_history: bool,
        granted_at: dt.datetime,
    ) -> None:
        if not self.erased:
            since = None if share_history else granted_at
            self._consented(partner, sorted(categories), client_reference, since)

    @event("Consented")
    def _consented(
        self,
        partner: str,
        categories: list[str],
        client_reference: str | None,
        granted_at: dt.datetime | None,
    ) -> None:
        self.consents[partner] = PartnerConsent(frozenset(categories), granted_at, client_reference)

    def withdraw(self, partner: str) -> None:
        if partner in self.consents:
            self._withdrawn(partner)

    @event("Withdrawn")
    def _withdrawn(self, partner: str) -> None:
        del self.consents[partner]

    @event("Erased")
    def erase(self) -> None:
        self.erased = True
        self.consents = {}

    def consent_covers(self, partner: str, entry: Entry) -> bool:
        consent = self.consents.get(partner)
        return (
            consent is not None
            and not self.erased
            and (consent.granted_at is None or entry.time > consent.granted_at)
            and SHAREABLE[entry.event_type].category in consent.categories
        )


RETRY_AFTER = (
    dt.timedelta(seconds=10),
    dt.timedelta(seconds=30),
    dt.timedelta(minutes=2),
    dt.timedelta(minutes=10),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=1),
    dt.timedelta(hours=2),
    dt.timedelta(hours=4),
)
"""Backoff between attempts of one delivery; after the last, every four hours."""
GIVE_UP_AFTER = dt.timedelta(days=3)
"""A delivery failing this long is parked (resend brings it back); the next one goes."""


def next_attempt(
    attempts: int, now: dt.datetime, backoff: tuple[dt.timedelta, ...] = RETRY_AFTER
) -> dt.datetime:
    """When to try again after `attempts` failed attempts (the last pause repeats)."""
    return now + backoff[min(attempts, len(backoff)) - 1]


def gives_up(first_failed_at: dt.datetime, now: dt.datetime) -> bool:
    return now - first_failed_at >= GIVE_UP_AFTER


@dataclass(frozen=True)
class Failing:
    version: int
    attempts: int
    first_failed_at: dt.datetime
    retry_at: dt.datetime
    reason: str


class Deliveries(Aggregate):
    """What one subscription's webhook delivered of one participant's history. Every attempt
    is one `Attempted` event (the partner's delivery log reads them back)."""

    if TYPE_CHECKING:  # made by the @event decorators below (dynamic: typed Any)
        Opened: ClassVar[type[Any]]
        Attempted: ClassVar[type[Any]]

    @staticmethod
    def create_id(subscription_id: UUID, participant_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"urn:steiger:deliveries:{subscription_id}:{participant_id}")

    @event("Opened")
    def __init__(self, partner: str, subscription_id: UUID, participant_id: UUID) -> None:
        self.partner, self.subscription_id = partner, subscription_id
        self.participant_id = participant_id
        self.delivered_up_to = 0
        self.failing: Failing | None = None
        self.parked: tuple[int, ...] = ()

    def delivered(self, version: int, status: int, now: dt.datetime) -> None:
        self._attempt(version, "delivered", status, None, now, None)

    def attempt_failed(
        self,
        version: int,
        status: int | None,
        reason: str,
        now: dt.datetime,
        backoff: tuple[dt.timedelta, ...] = RETRY_AFTER,
    ) -> None:
        """A failed attempt: tried again later, or parked after three days of failing."""
        failing = self.failing if self.failing and self.failing.version == version else None
        first = failing.first_failed_at if failing else now
        if gives_up(first, now):
            self._attempt(version, "parked", status, reason, now, None)
        else:
            retry_at = next_attempt((failing.attempts if failing else 0) + 1, now, backoff)
            self._attempt(version, "failed", status, reason, now, retry_at)

    def resent(
        self, version: int, status: int | None, reason: str | None, now: dt.datetime
    ) -> None:
        """A resend asked for (of a parked or past delivery), and what the receiver said."""
        self._attempt(version, "resent", status, reason, now, None)

    @event("Attempted")
    def _attempt(
        self,
        version: int,
        outcome: str,
        status: int | None,
        reason: str | None,
        at: dt.datetime,
        retry_at: dt.datetime | None,
    ) -> None:
        if outcome == "delivered":
            self.delivered_up_to = max(self.delivered_up_to, version)
            self.failing = None
        elif outcome == "failed":
            assert retry_at is not None and reason is not None
            failing = self.failing if self.failing and self.failing.version == version else None
            self.failing = Failing(
                version,
                (failing.attempts if failing else 0) + 1,
                failing.first_failed_at if failing else at,
                retry_at,
                reason,
            )
        elif outcome == "parked":
            self.delivered_up_to = max(self.delivered_up_to, version)
            self.failing = None
            self.parked = (*self.parked, version)
        elif outcome == "resent" and status is not None and 200 <= status < 300:
            self.parked = tuple(v for v in self.parked if v != version)
