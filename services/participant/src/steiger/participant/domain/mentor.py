"""A mentor and their caseload, kept beside each assignment in the same transaction. A
mentor's id is the subject of their access tokens (their user id at the issuer)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event


class Mentor(Aggregate):
    if TYPE_CHECKING:  # made by the @event decorators below (dynamic: typed Any)
        Registered: ClassVar[type[Any]]
        ParticipantTakenOn: ClassVar[type[Any]]
        ParticipantHandedOver: ClassVar[type[Any]]

    @event("Registered")
    def __init__(
        self, id: UUID, name: str, organisation: str | None, team: str | None = None
    ) -> None:
        self.name = name
        self.organisation = organisation
        self.team = team
        """Whose team leads oversee the mentor's caseload."""
        self.caseload: list[UUID] = []

    @event("ParticipantTakenOn")
    def take_on(self, participant_id: UUID) -> None:
        self.caseload.append(participant_id)

    @event("ParticipantHandedOver")
    def hand_over(self, participant_id: UUID) -> None:
        self.caseload.remove(participant_id)
