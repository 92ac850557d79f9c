"""Planning's reactions to the participant service's events: whom a plan may be made for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventsourcing.application import ProcessingEvent

from steiger.shared.contracts.participant import ParticipantErased, ParticipantRegistered
from steiger.shared.eventstore import Reactions

if TYPE_CHECKING:
    from steiger.planning.application import PlanningApplication


def on_participant_registered(
    planning: PlanningApplication, event: ParticipantRegistered, processing: ProcessingEvent
) -> None:
    plan = planning.plan_of(event.participant_id)
    plan.note_registration()
    processing.collect_events(plan)


def on_participant_erased(
    planning: PlanningApplication, event: ParticipantErased, processing: ProcessingEvent
) -> None:
    plan = planning.plan_of(event.participant_id)
    plan.note_erasure()
    processing.collect_events(plan)


REACTIONS: Reactions = {
    ParticipantRegistered: on_participant_registered,
    ParticipantErased: on_participant_erased,
}
