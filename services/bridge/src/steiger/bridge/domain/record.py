"""A participant's Bridge record: every position recorded, each naming its definition."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from steiger.bridge.domain.definition import BridgeDefinition


@dataclass(frozen=True)
class Position:
    assessment_id: UUID
    definition_id: str
    definition_version: str
    column: str
    step: int
    points: int
    assessed_at: dt.datetime


class BridgeRecord(Aggregate):
    @staticmethod
    def create_id(participant_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"urn:steiger:bridge-record:{participant_id}")

    @event("Opened")
    def __init__(self, participant_id: UUID) -> None:
        self.participant_id = participant_id
        self.positions: list[Position] = []
        self.household: tuple[int, int, int] | None = None
        self.executive_skills: list[dict[str, object]] = []

    @event("ExecutiveSkillsAssessed")
    def assess_executive_skills(
        self, questionnaire: str, answers: dict[str, int], assessed_at: dt.datetime
    ) -> None:
        self.executive_skills.append(
            {"questionnaire": questionnaire, "answers": answers, "assessed_at": assessed_at}
        )

    @event("HouseholdNoted")
    def note_household(
        self, adults: int, preschool_children: int, school_age_children: int
    ) -> None:
        """From the participant service's intake: selects the household type of the index."""
        self.household = (adults, preschool_children, school_age_children)

    def record_assessment(
        self,
        assessment_id: UUID,
        definition: BridgeDefinition,
        steps: dict[str, int],
        assessed_at: dt.datetime,
    ) -> None:
        """One PositionRecorded per column, so each has its own place in the log."""
        resolved = {c: definition.column(c).step(n) for c, n in steps.items()}  # all or none
        for column_id, step in resolved.items():
            self._position_recorded(
                assessment_id,
                definition.id,
                definition.version,
                column_id,
                step.step,
                step.points,
                assessed_at,
                self.participant_id,
            )

    @event("PositionRecorded")
    def _position_recorded(
        self,
        assessment_id: UUID,
        definition_id: str,
        definition_version: str,
        column: str,
        step: int,
        points: int,
        assessed_at: dt.datetime,
        participant_id: UUID,
    ) -> None:
        self.positions.append(
            Position(
                assessment_id, definition_id, definition_version, column, step, points, assessed_at
            )
        )

    def latest_positions(self) -> dict[str, Position]:
        latest: dict[str, Position] = {}
        for position in self.positions:
            latest[position.column] = position
        return latest
