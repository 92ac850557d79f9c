"""Whose case a participant is: every service keeps it from the participant service's
MentorAssigned events, so that it decides access to its cases locally (`steiger.shared.access`)
without asking anyone per request. An aggregate of the service's own store, beside its case
data: it survives restarts and is rebuilt by a replay like everything else."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Protocol
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import ProcessingEvent
from eventsourcing.domain import Aggregate, event

from steiger.shared.contracts.participant import MentorAssigned


class CaseAssignment(Aggregate):
    """The mentor responsible for a participant's case, and the mentor's team."""

    if TYPE_CHECKING:  # made by the @event decorators below (dynamic: typed Any)
        Assigned: ClassVar[type[Any]]
        Transferred: ClassVar[type[Any]]

    @staticmethod
    def create_id(participant_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"urn:steiger:case-assignment:{participant_id}")

    @event("Assigned")
    def __init__(self, participant_id: UUID, mentor_id: UUID, team: str | None) -> None:
        self.participant_id = participant_id
        self.mentor_id = mentor_id
        self.team = team

    @event("Transferred")
    def transfer(self, mentor_id: UUID, team: str | None) -> None:
        self.mentor_id = mentor_id
        self.team = team


class Finds(Protocol):
    """What the reaction needs of an application (`ServiceApplication.find`)."""

    def find(self, aggregate_id: UUID, kind: type[CaseAssignment]) -> CaseAssignment | None: ...


def follow_assignment(
    application: Finds, event: MentorAssigned, processing: ProcessingEvent[UUID]
) -> None:
    """The reaction to MentorAssigned every service that holds cases has."""
    found = application.find(CaseAssignment.create_id(event.participant_id), CaseAssignment)
    if found is None:
        found = CaseAssignment(event.participant_id, event.mentor_id, event.team)
    elif (found.mentor_id, found.team) != (event.mentor_id, event.team):
        found.transfer(event.mentor_id, event.team)
    else:
        return
    processing.collect_events(found)


CASE_REACTIONS: dict[type, Any] = {MentorAssigned: follow_assignment}
"""The reactions a service that holds cases adds to its own."""
