"""A participant: who they are stays here; every other service knows only the pseudonymous id."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from eventsourcing.domain import Aggregate, event


class Participant(Aggregate):
    @event("Registered")
    def __init__(
        self,
        name: str,
        birth_year: int,
        municipality: str,
        programme: str,
        adults: int,
        preschool_children: int,
        school_age_children: int,
        registered_on: dt.date,
        external_id: str | None = None,
    ) -> None:
        self.name = name
        self.birth_year = birth_year
        self.municipality = municipality
        self.programme = programme
        self.adults = adults
        self.preschool_children = preschool_children
        self.school_age_children = school_age_children
        self.registered_on = registered_on
        self.external_id = external_id

    @property
    def pseudonym(self) -> UUID:
        """The id other services know: random, so it reveals nothing about the person."""
        return self.id

    @property
    def cohort(self) -> str:
        return self.registered_on.strftime("%Y-%m")
