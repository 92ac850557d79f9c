from __future__ import annotations

import datetime as dt

import pytest
from eventsourcing.persistence import Tracking

from steiger.shared.contracts.participant import Household, ParticipantRegistered


@pytest.fixture
def intake():
    """Delivers a participant's intake (their household) to a bridge application."""
    positions = iter(range(1, 10_000))

    def deliver(app, participant, adults=1, preschool=0, school_age=0, municipality="Leiden"):
        event = ParticipantRegistered(
            participant_id=participant, programme="debt-help", cohort="2026-11",
            municipality=municipality, registered_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
            household=Household(adults=adults, preschool_children=preschool,
                                school_age_children=school_age),
        )  # fmt: skip
        app.process_event(event, Tracking("participant#0", next(positions)))

    return deliver
