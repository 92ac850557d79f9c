"""A participant: who they are stays here; every other service knows only the pseudonymous id.

Personal data is held sealed (encrypted with the participant's own data key, by the
application), so the aggregate, its events and any cached copy carry only ciphertext. What
is not personal — programme, municipality, neighbourhood, household — stays readable for
statistics, also after erasure.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from steiger.participant.domain.errors import ParticipantErased


class Participant(Aggregate):
    @staticmethod
    def create_id(participant_id: UUID) -> UUID:
        # chosen before the aggregate exists: the personal data is sealed to this id
        return participant_id

    @event("Registered")
    def __init__(
        self,
        participant_id: UUID,
        sealed_personal_data: str,
        programme: str,
        municipality: str,
        neighbourhood: str | None,
        target_group: str | None,
        language: str,
        adults: int,
        preschool_children: int,
        school_age_children: int,
        registered_on: dt.date,
    ) -> None:
        self.sealed_personal_data: str | None = sealed_personal_data
        self.programme = programme
        self.municipality = municipality
        self.neighbourhood = neighbourhood
        self.target_group = target_group
        self.language = language
        self.adults = adults
        self.preschool_children = preschool_children
        self.school_age_children = school_age_children
        self.registered_on = registered_on
        self.erased_on: dt.date | None = None

    @property
    def pseudonym(self) -> UUID:
        """The id other services know: random, so it reveals nothing about the person."""
        return self.id

    @property
    def cohort(self) -> str:
        return self.registered_on.strftime("%Y-%m")

    @property
    def erased(self) -> bool:
        return self.erased_on is not None

    def check_not_erased(self) -> None:
        if self.erased:
            raise ParticipantErased(f"participant {self.id} was erased on {self.erased_on}")

    def erase(self, on: dt.date) -> None:
        """Records the erasure. The data itself became unreadable when its key was destroyed;
        this drops the ciphertext from the current state too."""
        self.check_not_erased()
        self._erased(on)

    @event("Erased")
    def _erased(self, on: dt.date) -> None:
        self.sealed_personal_data = None
        self.erased_on = on
