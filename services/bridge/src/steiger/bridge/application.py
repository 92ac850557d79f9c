from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID, uuid4

from steiger.bridge.contracts import to_contract
from steiger.bridge.domain.case_texts import CASE_TEXTS
from steiger.bridge.domain.definition import BridgeDefinition
from steiger.bridge.domain.eix import CostTable, income_gap
from steiger.bridge.domain.errors import (
    DefinitionNotFound,
    HouseholdUnknown,
    NoAssessmentYet,
    NoCostTableRow,
    UnknownReference,
)
from steiger.bridge.domain.executive_skills import ExecutiveSkillsQuestionnaire, Questionnaires
from steiger.bridge.domain.jobs import REFERENCE_HOUSEHOLD, JobCatalogue, classify_own_job
from steiger.bridge.domain.priorities import checked_priorities, potential_goals
from steiger.bridge.domain.record import BridgeRecord, Position
from steiger.bridge.domain.scoring import score_history
from steiger.bridge.policies import REACTIONS
from steiger.shared import reference
from steiger.shared.eventstore import ServiceApplication, retry_on_conflict
from steiger.shared.participants import ParticipantState


class BridgeApplication(ServiceApplication):
    name = "bridge"
    translate = to_contract
    case_texts = CASE_TEXTS
    reactions = REACTIONS

    def __init__(
        self,
        env: dict[str, str] | None = None,
        definitions: dict[tuple[str, str], BridgeDefinition] | None = None,
        cost_tables: dict[tuple[str, str], CostTable] | None = None,
        executive_skills: Questionnaires | None = None,
        job_catalogues: dict[tuple[str, str], JobCatalogue] | None = None,
    ) -> None:
        super().__init__(env)
        self.job_catalogues = job_catalogues or {}
        self.questionnaires = executive_skills
        self.definitions = definitions or {}
        self.cost_tables = cost_tables or {}

    def participant_state(self, participant_id: UUID) -> ParticipantState:
        if self.erased(participant_id):
            return "erased"
        record = self._record_of(participant_id)
        return "unknown" if record is None or record.household is None else "registered"

    def record_for(self, participant_id: UUID) -> BridgeRecord:
        return self._record_of(participant_id) or BridgeRecord(participant_id)

    def cost_table(self, table_id: str, version: str) -> CostTable:
        try:
            return self.cost_tables[(table_id, version)]
        except KeyError:
            raise DefinitionNotFound(f"no cost table {table_id} {version}") from None

    def referred_cost_table(self, table_id: str, version: str) -> CostTable:
        """A cost table a request names in its body or query: 422 naming the field."""
        return _referred(self.cost_tables, "cost table", "table", table_id, version)

    def economic_independence(
        self,
        participant_id: UUID,
        table_id: str,
        version: str,
        monthly_income: Decimal,
        wishes: dict[str, Decimal],
        municipality: str | None = None,
    ) -> dict[str, Any]:
        """`municipality` replaces the intake's where the household lives elsewhere now."""
        table = self.referred_cost_table(table_id, version)
        household, home = self._known_household(participant_id)
        index = table.index_for(*household, municipality or home)
        return {
            "participant_id": participant_id,
            "table": {"id": table.id, "version": table.version, "region": table.region},
            "index": vars(index),
            **income_gap(index, monthly_income, wishes),
        }

    @retry_on_conflict
    def record_assessment(
        self,
        participant_id: UUID,
        definition_id: str,
        definition_version: str,
        steps: dict[str, int],
        assessed_at: dt.datetime,
        recorded_by: str = "participant-with-mentor",
        notes: dict[str, str] | None = None,
        outcomes: dict[str, Any] | None = None,
    ) -> UUID:
        definition = self.definition(definition_id, definition_version)
        record = self.record_for(participant_id)
        assessment_id = uuid4()
        record.record_assessment(
            assessment_id, definition, steps, assessed_at, recorded_by, notes, outcomes
        )
        self.save(record)
        return assessment_id

    @retry_on_conflict
    def correct_position(
        self, participant_id: UUID, assessment_id: UUID, column: str, step: int, reason: str
    ) -> None:
        record = self._record_of(participant_id)
        if record is None:
            raise NoAssessmentYet(f"participant {participant_id} has no Bridge assessment")
        recorded = next((p for p in record.positions if p.assessment_id == assessment_id), None)
        if recorded is None:
            raise NoAssessmentYet(f"no assessment {assessment_id} for {participant_id}")
        definition = self.definition(recorded.definition_id, recorded.definition_version)
        record.correct_position(assessment_id, column, step, reason, definition)
        self.save(record)

    def positions(self, participant_id: UUID) -> dict[str, Any]:
        record = self._record_of(participant_id)
        if record is None or not record.positions:
            raise NoAssessmentYet(f"participant {participant_id} has no Bridge assessment")
        latest = record.latest_positions()
        return {
            "participant_id": participant_id,
            "latest": [vars(p) for p in latest.values()],
            "total_points": sum(p.points for p in latest.values()),
            "history": [vars(p) for p in record.positions],
        }

    def outcomes(self, participant_id: UUID) -> list[dict[str, Any]]:
        """The outcome facts at each assessment, the first (the intake) first."""
        record = self._record_of(participant_id)
        return list(record.outcomes) if record is not None else []

    def potential_goals(self, participant_id: UUID) -> dict[str, Any]:
        record, definition, latest = self._latest_bridge(participant_id)
        return {
            "participant_id": participant_id,
            "definition_id": definition.id,
            "definition_version": definition.version,
            "potential_goals": potential_goals(definition, latest),
            "priorities": record.priorities,
        }

    @retry_on_conflict
    def choose_priorities(
        self, participant_id: UUID, chosen: list[dict[str, Any]], chosen_at: dt.datetime
    ) -> list[dict[str, Any]]:
        record, definition, latest = self._latest_bridge(participant_id)
        ranked = checked_priorities(definition, latest, chosen)
        record.choose_priorities(
            definition.id, definition.version, ranked, chosen_at, participant_id
        )
        self.save(record)
        return ranked

    def _latest_bridge(
        self, participant_id: UUID
    ) -> tuple[BridgeRecord, BridgeDefinition, dict[str, Position]]:
        """The record, the Bridge of its latest assessment and the latest position per column
        on that Bridge."""
        record = self._record_of(participant_id)
        which = record.latest_definition() if record is not None else None
        if record is None or which is None:
            raise NoAssessmentYet(f"participant {participant_id} has no Bridge assessment")
        definition = self.definition(*which)
        latest = {
            column: p
            for column, p in record.latest_positions().items()
            if (p.definition_id, p.definition_version) == which
        }
        return record, definition, latest

    def subject_access(self, participant_id: UUID) -> dict[str, Any]:
        """GDPR art. 15, this service's part: every position with its note and correction,
        every executive-skills questionnaire as answered, the outcome facts at each assessment and
        the household it knows."""
        record = self._record_of(participant_id)
        if record is None:
            return {"positions": [], "executive_skills": [], "household": None, "outcomes": []}
        household = record.household
        return {
            "positions": [vars(p) for p in record.positions],
            "executive_skills": [
                {
                    "questionnaire": a["questionnaire"],
                    "answers": a["answers"],
                    "assessed_at": a["assessed_at"],
                }
                for a in record.executive_skills
            ],  # fmt: skip
            "household": dict(
                zip(("adults", "preschool_children", "school_age_children"), household, strict=True)
            )
            if household
            else None,
            "outcomes": list(record.outcomes),
        }

    def definition(self, definition_id: str, version: str) -> BridgeDefinition:
        try:
            return self.definitions[(definition_id, version)]
        except KeyError:
            raise DefinitionNotFound(f"no Bridge definition {definition_id} {version}") from None

    def _known_household(self, participant_id: UUID) -> tuple[tuple[int, int, int], str | None]:
        """The participant's household (adults, preschool, school-age) and municipality."""
        record = self._record_of(participant_id)
        if record is None or record.household is None:
            raise HouseholdUnknown(
                f"the household of {participant_id} has not reached the bridge service yet"
            )
        return record.household, record.municipality

    def _record_of(self, participant_id: UUID) -> BridgeRecord | None:
        return self.find(BridgeRecord.create_id(participant_id), BridgeRecord)

    def scores(self, participant_id: UUID, definition_id: str | None = None) -> dict[str, Any]:
        record = self._record_of(participant_id)
        if record is None or not record.positions:
            raise NoAssessmentYet(f"participant {participant_id} has no Bridge assessment")
        latest = record.positions[-1]
        definition_id = definition_id or latest.definition_id
        versions = [
            p.definition_version for p in record.positions if p.definition_id == definition_id
        ]
        if not versions:
            raise NoAssessmentYet(f"participant {participant_id} has no {definition_id} assessment")
        return score_history(record.positions, self.definition(definition_id, versions[-1]))

    @retry_on_conflict
    def assess_executive_skills(
        self, participant_id: UUID, answers: dict[str, int], assessed_at: dt.datetime
    ) -> dict[str, Any]:
        questionnaire = self.executive_skills_questionnaire()
        profile = questionnaire.profile(answers)  # refuses incomplete answers first
        record = self.record_for(participant_id)
        record.assess_executive_skills(
            questionnaire.ref, answers, assessed_at, profile["stronger"], profile["weaker"],
            participant_id,
        )  # fmt: skip
        self.save(record)
        return self._shown(questionnaire, {"assessed_at": assessed_at, **profile})

    def executive_skills(self, participant_id: UUID) -> dict[str, Any]:
        """Every profile, each computed with the questionnaire it was answered against."""
        history = self._profiles(participant_id)
        if not history:
            raise NoAssessmentYet(f"participant {participant_id} has no executive skills profile")
        return {"latest": history[-1], "history": history}

    def _profiles(self, participant_id: UUID) -> list[dict[str, Any]]:
        record = self._record_of(participant_id)
        if record is None or self.questionnaires is None:
            return []
        answered = [
            (self.questionnaires.answered(a["questionnaire"]), a) for a in record.executive_skills
        ]
        return [
            self._shown(q, {"assessed_at": a["assessed_at"], **q.profile(a["answers"])})
            for q, a in answered
        ]

    @staticmethod
    def _shown(
        questionnaire: ExecutiveSkillsQuestionnaire, profile: dict[str, Any]
    ) -> dict[str, Any]:
        """The profile with its functions named in both languages and the supports its weaker
        functions suggest."""
        return {
            **profile,
            "stronger_named": questionnaire.names(profile["stronger"]),
            "weaker_named": questionnaire.names(profile["weaker"]),
            "supports": reference.supports_for(profile["weaker"]),
        }

    def executive_skills_questionnaire(self) -> ExecutiveSkillsQuestionnaire:
        if self.questionnaires is None:
            raise DefinitionNotFound("no executive skills questionnaire is loaded")
        return self.questionnaires.current

    def jobs(self, catalogue: tuple[str, str], table: tuple[str, str]) -> dict[str, Any]:
        jobs, costs = self._catalogue_and_table(catalogue, table)
        reference_index = costs.index_for(*REFERENCE_HOUSEHOLD).monthly
        return {
            "catalogue": {"id": jobs.id, "version": jobs.version, "source": jobs.source},
            "reference_index_monthly": reference_index,
            "jobs": jobs.classified(reference_index),
        }

    def jobs_for(
        self, participant_id: UUID, catalogue: tuple[str, str], table: tuple[str, str]
    ) -> dict[str, Any]:
        jobs, costs = self._catalogue_and_table(catalogue, table)
        household, home = self._known_household(participant_id)
        own = costs.index_for(*household, home).monthly
        reference_index = costs.index_for(*REFERENCE_HOUSEHOLD).monthly
        profiles = self._profiles(participant_id)
        return {"participant_id": participant_id, "index_monthly": own,
                "strengths": profiles[-1]["stronger_named"] if profiles else [],
                **jobs.paths_for(own, reference_index)}  # fmt: skip

    def classify_job(
        self,
        title: str,
        monthly_wage: Decimal,
        training_years: Decimal,
        table: tuple[str, str],
        household: tuple[int, int, int],
        municipality: str | None,
    ) -> dict[str, Any]:
        """A job of one's own against the index of `household` (Table 2's by default)."""
        index = self.referred_cost_table(*table).index_for(*household, municipality)
        found = classify_own_job(monthly_wage, training_years, index.monthly)
        return {"title": title, "monthly_wage": monthly_wage, "training_years": training_years,
                "index": index, **found}  # fmt: skip

    def _catalogue_and_table(
        self, catalogue: tuple[str, str], table: tuple[str, str]
    ) -> tuple[JobCatalogue, CostTable]:
        jobs = _referred(self.job_catalogues, "job catalogue", "catalogue", *catalogue)
        costs = self.referred_cost_table(*table)
        if jobs.currency != costs.currency:
            raise NoCostTableRow(
                f"{jobs.id} pays in {jobs.currency}; {costs.id} counts in {costs.currency}",
                field="table_id",
            )
        return jobs, costs


T = TypeVar("T")


def _referred(
    loaded: dict[tuple[str, str], T], what: str, prefix: str, id_: str, version: str
) -> T:
    found = loaded.get((id_, version))
    if found is None:
        known = sorted(v for i, v in loaded if i == id_)
        field = f"{prefix}_version" if known else f"{prefix}_id"
        also = f"; its versions: {', '.join(known)}" if known else ""
        raise UnknownReference(f"no {what} {id_} {version}{also}", field=field)
    return found
