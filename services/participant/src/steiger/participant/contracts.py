"""Participant's domain events mapped to public contracts: never name, contact or BSN."""

from __future__ import annotations

from typing import Any

from steiger.participant.domain.participant import Participant
from steiger.shared.contracts import IntegrationEvent
from steiger.shared.contracts.participant import (
    Household,
    ParticipantErased,
    ParticipantRegistered,
)


def to_contract(event: Any) -> IntegrationEvent | None:
    if isinstance(event, Participant.Registered):
        return ParticipantRegistered(
            participant_id=event.originator_id,
            programme=event.programme,
            cohort=event.registered_on.strftime("%Y-%m"),
            municipality=event.municipality,
            neighbourhood=event.neighbourhood,
            target_group=event.target_group,
            language=event.language,
            household=Household(
                adults=event.adults,
                preschool_children=event.preschool_children,
                school_age_children=event.school_age_children,
            ),
            registered_at=event.timestamp,
        )
    if isinstance(event, Participant.Erased):
        return ParticipantErased(participant_id=event.originator_id, erased_on=event.on)
    return None
