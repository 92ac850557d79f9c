"""Whether a service knows a participant: from the participant service's events, never by
asking it. A request about a participant the service has not heard of waits briefly (the
registration may be on its way: a client registers and at once sets a goal), then answers
404; one about an erased participant answers 410."""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal
from uuid import UUID

from fastapi import Depends, Request

ParticipantState = Literal["unknown", "registered", "erased"]


class ParticipantUnknown(Exception):
    """Participant not found"""


class ParticipantGone(Exception):
    """Participant erased"""


class FileRestricted(Exception):
    """Processing restricted"""


def require_registered(state: ParticipantState, participant_id: UUID) -> None:
    """Raises for a participant who is not registered (no waiting: for references in a
    request's body, and for work that is not a request)."""
    if state == "erased":
        raise ParticipantGone(f"participant {participant_id} was erased")
    if state == "unknown":
        raise ParticipantUnknown(f"no participant {participant_id} is registered")


async def known_participant(participant_id: UUID, request: Request) -> UUID:
    """FastAPI dependency for routes about a participant (`{participant_id}` in the path)."""
    application = request.app.state.application
    # a registration takes milliseconds to arrive: STEIGER_REGISTRATION_WAIT_SECONDS
    deadline = asyncio.get_running_loop().time() + request.app.state.registration_wait
    while (state := application.participant_state(participant_id)) == "unknown":
        if asyncio.get_running_loop().time() >= deadline:
            break
        await asyncio.sleep(0.05)
    require_registered(state, participant_id)
    return participant_id


KnownParticipant = Annotated[UUID, Depends(known_participant)]
"""A participant id from the path, of a participant this service knows is registered."""
PARTICIPANT_ERRORS: dict[type[Exception], int] = {
    ParticipantUnknown: 404,
    ParticipantGone: 410,
    FileRestricted: 409,
}
