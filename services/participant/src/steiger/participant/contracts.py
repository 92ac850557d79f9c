"""Participant's domain events mapped to public contracts: never name, contact or BSN."""

from __future__ import annotations

from typing import Any

from steiger.participant.domain.participant import Participant
from steiger.shared.contracts import IntegrationEvent
from steiger.shared.contracts.participant import (
    ConsentGranted,
    ConsentWithdrawn,
    ContactPreferencesChanged,
    Household,
    MentorAssigned,
    ParticipantErased,
    ParticipantRegistered,
    ParticipantStatusChanged,
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
    if isinstance(event, Participant.StatusChanged):
        return ParticipantStatusChanged(
            participant_id=event.originator_id,
            status=event.status,
            # a pause's reason is free text and stays here; an exit's is a category
            exit_reason=event.reason if event.status == "exited" else None,
            changed_on=event.on,
        )
    if isinstance(event, Participant.MentorAssigned):
        return MentorAssigned(
            participant_id=event.originator_id,
            mentor_id=event.mentor_id,
            previous_mentor_id=event.previous_mentor_id,
            assigned_on=event.on,
        )
    if isinstance(event, Participant.ConsentGranted):
        return ConsentGranted(
            participant_id=event.originator_id,
            purpose=event.purpose,
            partner=event.partner,
            categories=event.categories,
            text_version=event.text_version,
            granted_on=event.on,
        )
    if isinstance(event, Participant.ConsentWithdrawn):
        return ConsentWithdrawn(
            participant_id=event.originator_id,
            purpose=event.purpose,
            partner=event.partner,
            withdrawn_on=event.on,
        )
    if isinstance(event, Participant.ContactPreferencesSet):
        return ContactPreferencesChanged(
            participant_id=event.originator_id,
            channels=event.channels,
            time_of_day=event.time_of_day,
            quiet_from=event.quiet_from,
            quiet_until=event.quiet_until,
            opted_out=event.opted_out,
        )
    return None
