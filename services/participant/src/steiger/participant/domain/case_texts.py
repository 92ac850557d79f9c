"""Which fields of the participant service's events are free text: stored sealed with the
participant's key, like their personal data, and unreadable once they are erased
(`steiger.shared.sealing`)."""

from __future__ import annotations

from typing import Any

from steiger.participant.domain.participant import Participant
from steiger.participant.domain.story import Story
from steiger.participant.domain.values import Status


def _status_reason(event: Any) -> tuple[str, ...]:
    """A pause's reason is free text; an exit's is a category (its contract carries it)."""
    return ("reason",) if event.status != Status.EXITED.value else ()


CASE_TEXTS: dict[type, Any] = {
    Participant.StatusChanged: _status_reason,
    Participant.MentorAssigned: ("reason",),  # why a case was transferred
    Participant.PersonalDataRectified: ("reason",),  # the data itself is sealed already
    Participant.Restricted: ("reason",),
    Story.Written: ("title", "text"),  # the participant's own story
    Story.Revised: ("title", "text"),
    Story.Unpublished: ("reason",),
}
