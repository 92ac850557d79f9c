"""A participant registered in one service's application, as its consumer of the
participant service's events would record it: the service then knows them."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from eventsourcing.persistence import Tracking

from steiger.shared.contracts.participant import Household, ParticipantRegistered


def registered(
    app: Any, participant_id: uuid.UUID | str | None = None, **household: int
) -> uuid.UUID:
    """`app`: a service's application, or a TestClient of its API. Registering twice is
    registering once."""
    app = getattr(getattr(getattr(app, "app", None), "state", None), "application", app)
    participant_id = uuid.UUID(str(participant_id)) if participant_id else uuid.uuid4()
    tracking = Tracking(f"registrations#{participant_id}", 1)
    if app.recorder.has_tracking_id(tracking.application_name, tracking.notification_id):
        return participant_id
    event = ParticipantRegistered(
        participant_id=participant_id,
        programme="debt-help",
        cohort="2026-01",
        municipality="Alphen aan den Rijn",
        household=Household(**({"adults": 1} | household)),
        registered_at=dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC),
    )
    app.process_event(event, tracking)
    return participant_id
