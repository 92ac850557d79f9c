from __future__ import annotations

from uuid import UUID


class ParticipantError(Exception):
    """Participant rule broken"""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.problem_extensions: dict[str, object] = (
            {"errors": [{"field": field, "message": message}]} if field else {}
        )


class ParticipantNotFound(ParticipantError):
    """Participant not found"""


class ParticipantErased(ParticipantError):
    """Participant erased"""


class InvalidBsn(ParticipantError):
    """Invalid BSN"""


class DuplicateParticipant(ParticipantError):
    """Participant already registered"""

    def __init__(self, existing: UUID, on: str) -> None:
        super().__init__(f"participant {existing} already has this {on}", field=on)
        self.problem_extensions["existing_participant_id"] = str(existing)
        self.on = on


class InvalidTransition(ParticipantError):
    """Not possible in this status"""


class ConsentNotGiven(ParticipantError):
    """No such consent"""


class MentorNotFound(ParticipantError):
    """Mentor not found"""


class MentorExists(ParticipantError):
    """Mentor already registered"""


class StoryRefused(ParticipantError):
    """The story cannot be published"""


class StoryNotFound(ParticipantError):
    """Story not found"""
