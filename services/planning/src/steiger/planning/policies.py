"""Planning's reactions to other services' events: whom a plan may be made for (the
participant service), when they paused (nothing due in a pause counts as missed), the time
of day they prefer (meetings are suggested then), and from bridge which supports a new goal
suggests (the profiles) and the priorities goals are set from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar
from uuid import UUID

from eventsourcing.application import ProcessingEvent

from steiger.planning.domain.plan import Plan
from steiger.shared.caseloads import CASE_REACTIONS
from steiger.shared.contracts.base import IntegrationEvent
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


E = TypeVar("E", bound=IntegrationEvent)


def on_plan(change: Callable[[Plan, E], None]) -> Callable[[Plans, E, ProcessingEvent], None]:
    """A reaction that changes the event's participant's plan (as reporting's `noting`)."""

    def react(planning: Plans, event: E, processing: ProcessingEvent) -> None:
        plan = planning.plan_of(event.participant_id)
        change(plan, event)
        processing.collect_events(plan)

    return react


def priorities_chosen(plan: Plan, e: PrioritiesChosen) -> None:
    priorities = [p.model_dump() for p in e.priorities]
    plan.note_priorities(e.definition_id, e.definition_version, priorities, e.chosen_at)


REACTIONS: Reactions = {
    **CASE_REACTIONS,
    **RESTRICTION_REACTIONS,
    ParticipantRegistered: on_plan(lambda plan, e: plan.note_registration()),
    ParticipantErased: in_turn(forget_erased, on_plan(lambda plan, e: plan.note_erasure())),
    ParticipantStatusChanged: on_plan(lambda plan, e: plan.note_status(e.status, e.changed_on)),
    ContactPreferencesChanged: on_plan(lambda plan, e: plan.note_time_of_day(e.time_of_day)),
    ExecutiveSkillsProfiled: on_plan(lambda plan, e: plan.note_profile(e.weaker, e.assessed_at)),
    PrioritiesChosen: on_plan(priorities_chosen),
}
