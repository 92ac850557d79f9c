from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from steiger.participant.domain.errors import ParticipantNotFound
from steiger.participant.domain.participant import Participant
from steiger.shared.eventstore import ServiceApplication


class ParticipantApplication(ServiceApplication):
    name = "participant"

    def register(
        self,
        name: str,
        birth_year: int,
        municipality: str,
        programme: str,
        household: dict[str, int],
        registered_on: dt.date,
        external_id: str | None,
    ) -> UUID:
        participant = Participant(
            name,
            birth_year,
            municipality,
            programme,
            household["adults"],
            household["preschool_children"],
            household["school_age_children"],
            registered_on,
            external_id,
        )
        self.save(participant)
        return participant.pseudonym

    def participant(self, participant_id: UUID) -> dict[str, Any]:
        try:
            p: Participant = self.repository.get(participant_id)
        except AggregateNotFoundError:
            raise ParticipantNotFound(f"no participant {participant_id}") from None
        return {
            "participant_id": p.pseudonym,
            "name": p.name,
            "birth_year": p.birth_year,
            "municipality": p.municipality,
            "programme": p.programme,
            "cohort": p.cohort,
            "household": {
                "adults": p.adults,
                "preschool_children": p.preschool_children,
                "school_age_children": p.school_age_children,
            },
            "external_id": p.external_id,
        }
