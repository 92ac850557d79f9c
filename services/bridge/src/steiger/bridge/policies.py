"""Bridge's reactions to other services' events: the household selects the index row."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventsourcing.application import ProcessingEvent

from steiger.shared.contracts.participant import ParticipantRegistered
from steiger.shared.eventstore import Reactions

if TYPE_CHECKING:
    from steiger.bridge.application import BridgeApplication


def on_participant_registered(
    bridge: BridgeApplication, event: ParticipantRegistered, processing: ProcessingEvent
) -> None:
    record = bridge.record_for(event.participant_id)
    household = event.household
    record.note_household(
        household.adults, household.preschool_children, household.school_age_children
    )
    processing.collect_events(record)


REACTIONS: Reactions = {ParticipantRegistered: on_participant_registered}
