"""Planning's reactions to other services' events: whom a plan may be made for (the
participant service), when they paused (nothing due in a pause counts as missed), the time
of day they prefer (meetings are suggested then), and from bridge which supports a new goal
suggests (the profiles) and the priorities goals are set from."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from eventsourcing.application import ProcessingEvent

from steiger.planning.domain.plan import Plan
from steiger.shared.caseloads import CASE_REACTIONS
from steiger.shared.contracts.bridge import ExecutiveSkillsProfiled, PrioritiesChosen
from steiger.shared.contracts.participant import (
    ContactPreferencesChanged,
    ParticipantErased,
    ParticipantRegistered,
    ParticipantStatusChanged,
)
from steiger.shared.erasure import forget_erased
from steiger.shared.eventstore import Reactions, in_turn
from steiger.shared.restriction import RESTRICTION_REACTIONS


class Plans(Protocol):
    """What the policies need of the application (they do not import it: no circle)."""

    def plan_of(self, participant_id: UUID) -> Plan: ...


def on_participant_registered(
    planning: Plans, event: ParticipantRegistered, processing: ProcessingEvent
) -> None:
    plan = planning.plan_of(event.participant_id)
    plan.note_registration()
    processing.collect_events(plan)


def on_participant_erased(
    planning: Plans, event: ParticipantErased, processing: ProcessingEvent
) -> None:
    plan = planning.plan_of(event.participant_id)
    plan.note_erasure()
    processing.collect_events(plan)


def on_status_changed(
    planning: Plans, event: ParticipantStatusChanged, processing: ProcessingEvent
) -> None:
    plan = planning.plan_of(event.participant_id)
    plan.note_status(event.status, event.changed_on)
    processing.collect_events(plan)


def on_contact_preferences(
    planning: Plans, event: ContactPreferencesChanged, processing: ProcessingEvent
) -> None:
    plan = planning.plan_of(event.participant_id)
    plan.note_time_of_day(event.time_of_day)
    processing.collect_events(plan)


def on_priorities_chosen(
    planning: Plans, event: PrioritiesChosen, processing: ProcessingEvent
) -> None:
    plan = planning.plan_of(event.participant_id)
    priorities = [p.model_dump() for p in event.priorities]
    plan.note_priorities(event.definition_id, event.definition_version, priorities, event.chosen_at)
    processing.collect_events(plan)


def on_skills_profiled(
    planning: Plans, event: ExecutiveSkillsProfiled, processing: ProcessingEvent
) -> None:
    plan = planning.plan_of(event.participant_id)
    plan.note_profile(event.weaker, event.assessed_at)
    processing.collect_events(plan)


REACTIONS: Reactions = {
    **CASE_REACTIONS,
    **RESTRICTION_REACTIONS,
    ParticipantRegistered: on_participant_registered,
    ParticipantErased: in_turn(forget_erased, on_participant_erased),
    ExecutiveSkillsProfiled: on_skills_profiled,
    PrioritiesChosen: on_priorities_chosen,
    ParticipantStatusChanged: on_status_changed,
    ContactPreferencesChanged: on_contact_preferences,
}
