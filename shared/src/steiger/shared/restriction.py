"""Whether a participant's file is frozen (GDPR art. 18): every service keeps it from the
participant service's ProcessingRestricted and RestrictionLifted events, in an aggregate of
its own store, and then refuses every change about the participant (409), serves them to the
privacy officer only (`steiger.shared.access`), and leaves them out of its own periodic work
(missed actions, anniversaries, reminders)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar, Protocol
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import ProcessingEvent
from eventsourcing.domain import Aggregate, event

from steiger.shared.contracts.participant import ProcessingRestricted, RestrictionLifted


class Restriction(Aggregate):
    """A participant's restriction of processing, as the participant service recorded it."""

    if TYPE_CHECKING:  # made by the @event decorators below (dynamic: typed Any)
        Followed: ClassVar[type[Any]]
        Imposed: ClassVar[type[Any]]
        Lifted: ClassVar[type[Any]]

    @staticmethod
    def create_id(participant_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"urn:steiger:restriction:{participant_id}")

    @event("Followed")
    def __init__(self, participant_id: UUID) -> None:
        self.participant_id = participant_id
        self.since: dt.date | None = None

    @property
    def restricted(self) -> bool:
        return self.since is not None

    @event("Imposed")
    def impose(self, on: dt.date) -> None:
        self.since = on

    @event("Lifted")
    def lift(self, on: dt.date) -> None:
        self.since = None


class Finds(Protocol):
    """What the reaction needs of an application (`ServiceApplication.find`)."""

    def find(self, aggregate_id: UUID, kind: type[Restriction]) -> Restriction | None: ...


def follow_restriction(
    application: Finds,
    event: ProcessingRestricted | RestrictionLifted,
    processing: ProcessingEvent[UUID],
) -> None:
    """Idempotent: a redelivered event finds the restriction as it says already."""
    found = application.find(Restriction.create_id(event.participant_id), Restriction)
    found = found or Restriction(event.participant_id)
    if isinstance(event, ProcessingRestricted) and not found.restricted:
        found.impose(event.restricted_on)
    elif isinstance(event, RestrictionLifted) and found.restricted:
        found.lift(event.lifted_on)
    processing.collect_events(found)


RESTRICTION_REACTIONS: dict[type, Any] = {
    ProcessingRestricted: follow_restriction,
    RestrictionLifted: follow_restriction,
}
"""The reactions every service that holds cases adds to its own."""
