"""A success story (seed 000, chapter 3: visible achievements of (former) participants, told
as the goals they set and reached; only with written consent).

A mentor writes it with the participant; each change is a new revision. It is published only
when the participant approved that very revision and while their success-story consent
stands; it names them only when that consent includes their name, and is otherwise told by
"a participant". A change takes it down until it is approved again; a withdrawn consent takes
it down; erasure destroys the text with the participant's other case texts."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from steiger.participant.domain.errors import InvalidTransition, StoryRefused


class Story(Aggregate):
    if TYPE_CHECKING:  # made by the @event decorators below (dynamic: typed Any)
        Written: ClassVar[type[Any]]
        Revised: ClassVar[type[Any]]
        Approved: ClassVar[type[Any]]
        Published: ClassVar[type[Any]]
        Unpublished: ClassVar[type[Any]]

    @event("Written")
    def __init__(
        self, participant_id: UUID, title: str, text: str, language: str, at: dt.datetime
    ) -> None:
        self.participant_id = participant_id
        self.title, self.text, self.language = title, text, language
        self.revision = 1
        self.approved: dict[str, Any] | None = None
        self.published: dict[str, Any] | None = None
        self.written_at = self.changed_at = at

    def revise(self, title: str, text: str, at: dt.datetime) -> None:
        if self.published is not None:
            self._unpublished("revised: to be approved again", at, self.participant_id)
        self._revised(title, text, at, self.participant_id)

    @event("Revised")
    def _revised(self, title: str, text: str, at: dt.datetime, participant_id: UUID) -> None:
        self.title, self.text = title, text
        self.revision += 1
        self.approved = None
        self.changed_at = at

    def approve(self, revision: int, at: dt.datetime) -> None:
        """The participant approved the text of `revision` (it must be the current one)."""
        if revision != self.revision:
            raise InvalidTransition(
                f"revision {revision} is not the story's text now (that is {self.revision})",
                field="revision",
            )
        self._approved(revision, at, self.participant_id)

    @event("Approved")
    def _approved(self, revision: int, at: dt.datetime, participant_id: UUID) -> None:
        self.approved = {"revision": revision, "at": at}

    def publish(self, consent_stands: bool, show_name: bool, at: dt.datetime) -> None:
        if self.approved is None or self.approved["revision"] != self.revision:
            raise StoryRefused("the participant has not approved this text", field="approval")
        if not consent_stands:
            raise StoryRefused("the participant gave no success-story consent", field="consent")
        if self.published is None:
            self._published(show_name, at, self.participant_id)

    @event("Published")
    def _published(self, show_name: bool, at: dt.datetime, participant_id: UUID) -> None:
        self.published = {"show_name": show_name, "at": at}

    def unpublish(self, reason: str, at: dt.datetime) -> None:
        if self.published is not None:
            self._unpublished(reason, at, self.participant_id)

    @event("Unpublished")
    def _unpublished(self, reason: str, at: dt.datetime, participant_id: UUID) -> None:
        self.published = None
