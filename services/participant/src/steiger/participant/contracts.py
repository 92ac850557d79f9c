"""Participant's domain events mapped to public contracts: never name, contact or BSN."""

from __future__ import annotations

from steiger.participant.domain.participant import Participant
from steiger.shared.contracts.participant import (
    ConsentGranted,
    ConsentWithdrawn,
    ContactPreferencesChanged,
    Household,
    HouseholdChanged,
    MentorAssigned,
    ParticipantErased,
    ParticipantRegistered,
    ParticipantStatusChanged,
    ProcessingRestricted,
    RestrictionLifted,
)
from steiger.shared.contracts.translation import To, Translator

PARTICIPANT = {"participant_id": "originator_id"}

to_contract = Translator(
    {
        Participant.Registered: To(
            ParticipantRegistered,
            **PARTICIPANT,
            cohort=lambda e: e.registered_on.strftime("%Y-%m"),
            household=lambda e: Household(
                adults=e.adults,
                preschool_children=e.preschool_children,
                school_age_children=e.school_age_children,
            ),
            registered_at="timestamp",
        ),
        Participant.HouseholdChanged: To(
            HouseholdChanged,
            **PARTICIPANT,
            household=lambda e: Household(
                adults=e.adults,
                preschool_children=e.preschool_children,
                school_age_children=e.school_age_children,
            ),
            changed_on="on",
        ),
        Participant.Restricted: To(ProcessingRestricted, **PARTICIPANT, restricted_on="on"),
        Participant.RestrictionLifted: To(RestrictionLifted, **PARTICIPANT, lifted_on="on"),
        Participant.Erased: To(ParticipantErased, **PARTICIPANT, erased_on="on"),
        Participant.StatusChanged: To(
            ParticipantStatusChanged,
            **PARTICIPANT,
            # a pause's reason is free text and stays here; an exit's is a category
            exit_reason=lambda e: e.reason if e.status == "exited" else None,
            changed_on="on",
        ),
        Participant.MentorAssigned: To(MentorAssigned, **PARTICIPANT, assigned_on="on"),
        Participant.ConsentGranted: To(
            ConsentGranted,
            **PARTICIPANT,
            granted_on="on",
            # events recorded before these fields existed have neither
            client_reference=lambda e: getattr(e, "client_reference", None),
            share_history=lambda e: getattr(e, "share_history", False),
        ),
        Participant.ConsentWithdrawn: To(ConsentWithdrawn, **PARTICIPANT, withdrawn_on="on"),
        Participant.ContactPreferencesSet: To(ContactPreferencesChanged, **PARTICIPANT),
    }
)
