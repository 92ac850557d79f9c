"""How every service forgets an erased participant: on the participant service's
ParticipantErased it destroys the participant's key in its own key store, so every case text
it sealed for them (`steiger.shared.sealing`) is unreadable from then on, in every stored
copy. Its pseudonymous facts (positions, dates, amounts) stay for the statistics; its API
answers 410 about the participant (`steiger.shared.access`)."""

from __future__ import annotations

from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import ProcessingEvent

from steiger.shared.contracts.participant import ParticipantErased


class Forgets(Protocol):
    """What the reaction needs of an application (`ServiceApplication.forget`)."""

    def forget(self, participant_id: UUID) -> None: ...


def forget_erased(
    application: Forgets, event: ParticipantErased, processing: ProcessingEvent[UUID]
) -> None:
    """Idempotent: a redelivered erasure finds the key already gone."""
    application.forget(event.participant_id)


ERASURE_REACTIONS: dict[type, Any] = {ParticipantErased: forget_erased}
"""The reaction every service adds to its own (before its own reaction to the erasure, if it
has one: `in_turn(forget_erased, ...)`)."""
