"""Bridge's reactions to other services' events: the household (at intake, and as it
changes) and the municipality are what the index is computed for."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from eventsourcing.application import ProcessingEvent

from steiger.bridge.domain.record import BridgeRecord
from steiger.shared.caseloads import CASE_REACTIONS
from steiger.shared.contracts.participant import HouseholdChanged, ParticipantRegistered
from steiger.shared.erasure import ERASURE_REACTIONS
from steiger.shared.eventstore import Reactions
from steiger.shared.restriction import RESTRICTION_REACTIONS


class BridgeRecords(Protocol):
    """What the policies need of the application (they do not import it: no circle)."""

    def record_for(self, participant_id: UUID) -> BridgeRecord: ...


def on_household(
    bridge: BridgeRecords,
    event: ParticipantRegistered | HouseholdChanged,
    processing: ProcessingEvent,
) -> None:
    """At intake and at every change: the household the EIX is computed for (and, at
    intake, the municipality whose housing cost it follows)."""
    record = bridge.record_for(event.participant_id)
    household = event.household
    record.note_household(
        household.adults, household.preschool_children, household.school_age_children
    )
    if isinstance(event, ParticipantRegistered):
        record.note_municipality(event.municipality)
    processing.collect_events(record)


REACTIONS: Reactions = {
    **CASE_REACTIONS,
    **RESTRICTION_REACTIONS,
    **ERASURE_REACTIONS,
    ParticipantRegistered: on_household,
    HouseholdChanged: on_household,
}
