"""A participant's Bridge record: every position recorded, each naming its definition."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from steiger.bridge.domain.definition import BridgeDefinition
from steiger.bridge.domain.errors import UnknownPosition


@dataclass(frozen=True)
class Position:
    assessment_id: UUID
    definition_id: str
    definition_version: str
    column: str
    step: int
    points: int
    assessed_at: dt.datetime
    recorded_by: str = "participant-with-mentor"
    note: str | None = None
    correction: str | None = None  # why the step was corrected, if it was

    def __deepcopy__(self, memo: dict[int, Any]) -> Position:
        """Itself: frozen, and holding values only. A record's copy (one per command) shares
        its positions without looking into each (docs/benchmarks.md, "Measurements behind
        the code")."""
        return self


class BridgeRecord(Aggregate):
    if TYPE_CHECKING:  # made by the @event decorators below (dynamic: typed Any)
        Opened: ClassVar[type[Any]]
        ExecutiveSkillsAssessed: ClassVar[type[Any]]
        HouseholdNoted: ClassVar[type[Any]]
        ExecutiveSkillsProfiled: ClassVar[type[Any]]
        MunicipalityNoted: ClassVar[type[Any]]
        PrioritiesChosen: ClassVar[type[Any]]
        OutcomesRecorded: ClassVar[type[Any]]
        PositionRecorded: ClassVar[type[Any]]
        PositionCorrected: ClassVar[type[Any]]

    @staticmethod
    def create_id(participant_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"urn:steiger:bridge-record:{participant_id}")

    @event("Opened")
    def __init__(self, participant_id: UUID) -> None:
        self.participant_id = participant_id
        self.positions: list[Position] = []
        self.household: tuple[int, int, int] | None = None
        self.municipality: str | None = None
        self.executive_skills: list[dict[str, Any]] = []
        self.priorities: list[dict[str, Any]] = []
        self.outcomes: list[dict[str, Any]] = []

    @event("ExecutiveSkillsAssessed")
    def _assessed_before_profiles_were_published(
        self, questionnaire: str, answers: dict[str, int], assessed_at: dt.datetime
    ) -> None:
        """How answers were recorded until 2026-12 (kept: stored records replay it)."""
        self.executive_skills.append(
            {"questionnaire": questionnaire, "answers": answers, "assessed_at": assessed_at}
        )

    @event("ExecutiveSkillsProfiled")
    def assess_executive_skills(
        self,
        questionnaire: str,
        answers: dict[str, int],
        assessed_at: dt.datetime,
        stronger: list[str],
        weaker: list[str],
        participant_id: UUID,
    ) -> None:
        """The answers against `questionnaire` (id@version) and the profile they gave, which
        planning learns (function ids only) to suggest supports."""
        self.executive_skills.append(
            {"questionnaire": questionnaire, "answers": answers, "assessed_at": assessed_at}
        )

    @event("HouseholdNoted")
    def note_household(
        self, adults: int, preschool_children: int, school_age_children: int
    ) -> None:
        """From the participant service's intake: selects the household type of the index."""
        self.household = (adults, preschool_children, school_age_children)

    @event("MunicipalityNoted")
    def note_municipality(self, municipality: str) -> None:
        """From the intake: the municipality whose housing cost the index follows."""
        self.municipality = municipality

    def record_assessment(
        self,
        assessment_id: UUID,
        definition: BridgeDefinition,
        steps: dict[str, int],
        assessed_at: dt.datetime,
        recorded_by: str = "participant-with-mentor",
        notes: dict[str, str] | None = None,
        outcomes: dict[str, Any] | None = None,
    ) -> None:
        """One PositionRecorded per column, so each has its own place in the log; then the
        outcome facts as they stand: those asked (`outcomes`, unknown ones left out) and
        those the definition says follow from the steps (an asked one wins)."""
        resolved = {c: definition.column(c).step(n) for c, n in steps.items()}  # all or none
        unknown_notes = set(notes or {}) - set(steps)
        if unknown_notes:
            column = sorted(unknown_notes)[0]
            raise UnknownPosition(f"a note for {column!r}, which was not assessed", field=column)
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
                recorded_by,
                (notes or {}).get(column_id),
            )
        asked = {k: v for k, v in (outcomes or {}).items() if v is not None}
        derived = {k: v for k, v in definition.derived_outcomes(steps).items() if k not in asked}
        if asked or derived:
            self._outcomes_recorded(
                assessment_id, asked | derived, sorted(derived), assessed_at, self.participant_id
            )

    @event("OutcomesRecorded")
    def _outcomes_recorded(
        self,
        assessment_id: UUID,
        outcomes: dict[str, Any],
        derived: list[str],
        assessed_at: dt.datetime,
        participant_id: UUID,
    ) -> None:
        self.outcomes.append(
            {"assessment_id": assessment_id, "outcomes": outcomes, "derived": derived,
             "assessed_at": assessed_at}
        )  # fmt: skip

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
        recorded_by: str = "participant-with-mentor",
        note: str | None = None,
    ) -> None:
        self.positions.append(
            Position(
                assessment_id,
                definition_id,
                definition_version,
                column,
                step,
                points,
                assessed_at,
                recorded_by,
                note,
            )  # fmt: skip
        )

    def correct_position(
        self, assessment_id: UUID, column: str, step: int, reason: str, definition: BridgeDefinition
    ) -> None:
        """A mistaken position is corrected by an event of its own; history keeps both."""
        current = self._position(assessment_id, column)
        corrected = definition.column(column).step(step)
        if corrected.step == current.step:
            raise UnknownPosition("the correction repeats the recorded step", field="step")
        self._position_corrected(
            assessment_id, current.definition_id, current.definition_version, column,
            corrected.step, corrected.points, current.assessed_at, reason, self.participant_id,
        )  # fmt: skip

    @event("PositionCorrected")
    def _position_corrected(
        self,
        assessment_id: UUID,
        definition_id: str,
        definition_version: str,
        column: str,
        step: int,
        points: int,
        assessed_at: dt.datetime,
        reason: str,
        participant_id: UUID,
    ) -> None:
        for n, position in enumerate(self.positions):
            if position.assessment_id == assessment_id and position.column == column:
                self.positions[n] = replace(position, step=step, points=points, correction=reason)

    def _position(self, assessment_id: UUID, column: str) -> Position:
        for position in self.positions:
            if position.assessment_id == assessment_id and position.column == column:
                return position
        raise UnknownPosition(f"assessment {assessment_id} has no position on {column!r}",
                              field="column")  # fmt: skip

    @event("PrioritiesChosen")
    def choose_priorities(
        self,
        definition_id: str,
        definition_version: str,
        priorities: list[dict[str, Any]],
        chosen_at: dt.datetime,
        participant_id: UUID,
    ) -> None:
        """The potential goals the participant picked, in their order (checked_priorities);
        a new choice replaces the last."""
        self.priorities = list(priorities)

    def latest_definition(self) -> tuple[str, str] | None:
        """The Bridge (id, version) of the latest assessment."""
        if not self.positions:
            return None
        latest = self.positions[-1]
        return latest.definition_id, latest.definition_version

    def latest_positions(self) -> dict[str, Position]:
        latest: dict[str, Position] = {}
        for position in self.positions:
            latest[position.column] = position
        return latest
