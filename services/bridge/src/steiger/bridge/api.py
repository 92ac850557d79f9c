from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, status
from pydantic import Field

from steiger.bridge.application import BridgeApplication
from steiger.bridge.domain.definition import BridgeDefinition
from steiger.bridge.domain.eix import IndexIncome
from steiger.bridge.domain.errors import (
    DefinitionNotFound,
    HouseholdUnknown,
    InvalidAnswers,
    InvalidDefinition,
    NoAssessmentYet,
    NoCostTableRow,
    UnknownPosition,
    UnknownReference,
)
from steiger.bridge.domain.executive_skills import ExecutiveSkillsQuestionnaire
from steiger.bridge.responses import (
    AssessmentCreated,
    BridgeHeld,
    CostTableSummary,
    DefinitionSummary,
    EconomicIndependence,
    ExecutiveSkillsHistory,
    ExecutiveSkillsProfile,
    Jobs,
    JobsFor,
    OutcomesAt,
    OwnJobClassified,
    Positions,
    PotentialGoals,
    Scores,
)
from steiger.shared.access import (
    CASE_READERS,
    CASEWORK,
    EVERYONE,
    Role,
    admits,
    subject_access_route,
)
from steiger.shared.concurrency import on_event_loop
from steiger.shared.contracts.bridge import Outcomes, Priority
from steiger.shared.dates import PastMoment
from steiger.shared.http import Amount, Strict, current_application
from steiger.shared.openapi import problems
from steiger.shared.participants import KnownParticipant

Bridge = Annotated[BridgeApplication, Depends(current_application)]
router = APIRouter(tags=["bridge"])

DOMAIN_ERRORS = {
    DefinitionNotFound: 404,
    NoAssessmentYet: 404,
    UnknownPosition: 422,
    InvalidDefinition: 422,
    NoCostTableRow: 422,
    UnknownReference: 422,
    HouseholdUnknown: 409,
    InvalidAnswers: 422,
}


class OutcomesIn(Strict, Outcomes):
    """Each fact yes, no or unknown (null or left out)."""

    savings: Amount | None = Field(None, description="of the household, in the currency")


class AssessmentIn(Strict):
    definition_id: str = Field(max_length=64, examples=["nl-alphen"])
    definition_version: str = Field(max_length=32, examples=["2017-09-07"])
    steps: dict[str, int] = Field(
        min_length=1, description="step per column id", examples=[{"debts": 2, "income": 1}]
    )
    assessed_at: PastMoment
    recorded_by: Literal["participant-with-mentor", "participant", "mentor"] = (
        "participant-with-mentor"
    )
    notes: dict[str, Annotated[str, Field(max_length=2000)]] = Field(
        default_factory=dict, description="an optional note per column (stays in this service)"
    )
    outcomes: OutcomesIn | None = Field(
        None,
        description="the facts behind the outcome indicators (Table 4), as asked; those the "
        "Bridge definition derives from the steps are added",
    )


class CorrectionIn(Strict):
    column: str = Field(max_length=64)
    step: int = Field(ge=1, le=20)
    reason: str = Field(min_length=1, max_length=2000)


@router.post(
    "/participants/{participant_id}/assessments",
    status_code=status.HTTP_201_CREATED,
    dependencies=[admits(*CASEWORK)],
)
@on_event_loop
def record_assessment(
    participant_id: KnownParticipant, body: AssessmentIn, bridge: Bridge
) -> AssessmentCreated:
    assessment_id = bridge.record_assessment(
        participant_id,
        body.definition_id,
        body.definition_version,
        body.steps,
        body.assessed_at,
        body.recorded_by,
        body.notes,
        body.outcomes.model_dump(exclude_none=True) if body.outcomes else None,
    )
    return AssessmentCreated(assessment_id=assessment_id)


@router.get(
    "/participants/{participant_id}/outcomes",
    tags=["bridge"],
    summary="The outcome facts (Table 4) at each assessment, the intake first",
    response_model=list[OutcomesAt],
    dependencies=[admits(*CASE_READERS)],
)
@on_event_loop
def outcomes(participant_id: KnownParticipant, bridge: Bridge) -> list[dict[str, Any]]:
    return bridge.outcomes(participant_id)


@router.post(
    "/participants/{participant_id}/assessments/{assessment_id}/corrections",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Correct a mistaken position; the correction is an event of its own",
    dependencies=[admits(*CASEWORK)],
)
@on_event_loop
def correct_position(
    participant_id: UUID, assessment_id: UUID, body: CorrectionIn, bridge: Bridge
) -> None:
    bridge.correct_position(participant_id, assessment_id, body.column, body.step, body.reason)


@router.get(
    "/participants/{participant_id}/positions",
    response_model=Positions,
    dependencies=[admits(*CASE_READERS, Role.SERVICE)],
)
@on_event_loop
def positions(participant_id: UUID, bridge: Bridge) -> dict[str, Any]:
    return bridge.positions(participant_id)


@router.get(
    "/participants/{participant_id}/scores",
    summary="Scores per pillar and in total, changes since intake and previous, and a timeline",
    response_model=Scores,
    dependencies=[admits(*CASE_READERS)],
)
@on_event_loop
def scores(
    participant_id: UUID,
    bridge: Bridge,
    definition_id: str | None = Query(None, max_length=64),
) -> dict[str, Any]:
    return bridge.scores(participant_id, definition_id)


class ChoiceIn(Strict):
    column: str = Field(max_length=64, examples=["debts"])
    target_step: int | None = Field(
        None, ge=1, le=20, description="the step to reach; the next one up if unset"
    )


class PrioritiesIn(Strict):
    priorities: list[ChoiceIn] = Field(
        min_length=1, max_length=30, description="what matters most first"
    )
    chosen_at: PastMoment


@router.get(
    "/participants/{participant_id}/potential-goals",
    tags=["finding goals"],
    summary="Per column of the latest assessment, the next step up; and the chosen priorities",
    response_model=PotentialGoals,
    responses=problems(404, 410),
    dependencies=[admits(*CASE_READERS)],
)
@on_event_loop
def potential_goals(participant_id: KnownParticipant, bridge: Bridge) -> dict[str, Any]:
    return bridge.potential_goals(participant_id)


@router.put(
    "/participants/{participant_id}/priorities",
    tags=["finding goals"],
    summary="The potential goals the participant picked, in their order",
    response_model=list[Priority],
    responses=problems(404, 410, 422),
    dependencies=[admits(*CASEWORK)],
)
@on_event_loop
def choose_priorities(
    participant_id: KnownParticipant, body: PrioritiesIn, bridge: Bridge
) -> list[dict[str, Any]]:
    chosen = [c.model_dump() for c in body.priorities]
    return bridge.choose_priorities(participant_id, chosen, body.chosen_at)


@router.get("/definitions", dependencies=[admits(*EVERYONE)])
@on_event_loop
def definitions(bridge: Bridge) -> list[DefinitionSummary]:
    return [
        DefinitionSummary(id=d.id, version=d.version, name=d.name)
        for d in bridge.definitions.values()
    ]


@router.get("/definitions/{definition_id}/{version}", dependencies=[admits(*EVERYONE)])
@on_event_loop
def definition(definition_id: str, version: str, bridge: Bridge) -> BridgeDefinition:
    return bridge.definition(definition_id, version)


Municipality = Annotated[
    str | None,
    Field(
        None,
        min_length=1,
        max_length=80,
        description="whose housing cost the index follows (the table's factor), if it has one",
        examples=["Leiden"],
    ),
]


class EconomicIndependenceIn(Strict):
    table_id: str = Field(max_length=64, examples=["nl-steiger"])
    table_version: str = Field(max_length=32, examples=["2026"])
    monthly_income: Amount = Field(description="the household's net income now, per month")
    municipality: Municipality = Field(
        None, description="where the household lives now, if not the intake's municipality"
    )
    wishes: dict[str, Amount] = Field(
        default_factory=dict,
        max_length=20,
        description="what the participant wants on top, as monthly amounts",
        examples=[{"holiday": "50.00", "driving lessons": "80.00"}],
    )


@router.get("/cost-tables", tags=["economic independence index"], dependencies=[admits(*EVERYONE)])
@on_event_loop
def cost_tables(bridge: Bridge) -> list[CostTableSummary]:
    return [
        CostTableSummary(id=t.id, version=t.version, region=t.region, currency=t.currency,
                         source=t.source, household_types=[h.type for h in t.households],
                         tailors_any_household=t.components is not None,
                         municipalities=sorted(t.housing_factors))
        for t in bridge.cost_tables.values()
    ]  # fmt: skip


@router.get(
    "/cost-tables/{table_id}/{version}/index",
    tags=["economic independence index"],
    dependencies=[admits(*EVERYONE)],
)
@on_event_loop
def index_income(
    table_id: str,
    version: str,
    bridge: Bridge,
    adults: int = Query(ge=1, le=10),
    preschool_children: int = Query(0, ge=0, le=15),
    school_age_children: int = Query(0, ge=0, le=15),
    municipality: str | None = Query(None, min_length=1, max_length=80),
) -> IndexIncome:
    """The table's published row for the household, or one tailored from its per-person
    components; housing follows the municipality where the table has a factor for it."""
    table = bridge.cost_table(table_id, version)
    return table.index_for(adults, preschool_children, school_age_children, municipality)


@router.post(
    "/participants/{participant_id}/economic-independence",
    tags=["economic independence index"],
    summary="The index income for the participant's household, their gap and their wishes",
    response_model=EconomicIndependence,
    dependencies=[admits(*CASE_READERS)],
)
@on_event_loop
def economic_independence(
    participant_id: UUID, body: EconomicIndependenceIn, bridge: Bridge
) -> dict[str, Any]:
    return bridge.economic_independence(
        participant_id, body.table_id, body.table_version, body.monthly_income, body.wishes,
        body.municipality,
    )  # fmt: skip


class ExecutiveSkillsIn(Strict):
    answers: dict[str, Annotated[int, Field(ge=1, le=6)]] = Field(
        description="per statement id, 1 (not at all true) to 6 (completely true)"
    )
    assessed_at: PastMoment


@router.get(
    "/executive-skills/questionnaire",
    tags=["executive skills"],
    responses=problems(404),
    dependencies=[admits(*EVERYONE)],
)
@on_event_loop
def executive_skills_questionnaire(bridge: Bridge) -> ExecutiveSkillsQuestionnaire:
    return bridge.executive_skills_questionnaire()


@router.post(
    "/participants/{participant_id}/executive-skills",
    status_code=status.HTTP_201_CREATED,
    tags=["executive skills"],
    summary="Record the 36 answers; returns the 3 stronger and 3 weaker functions",
    response_model=ExecutiveSkillsProfile,
    dependencies=[admits(*CASE_READERS)],
)
@on_event_loop
def assess_executive_skills(
    participant_id: UUID, body: ExecutiveSkillsIn, bridge: Bridge
) -> dict[str, Any]:
    return bridge.assess_executive_skills(participant_id, body.answers, body.assessed_at)


@router.get(
    "/participants/{participant_id}/executive-skills",
    tags=["executive skills"],
    response_model=ExecutiveSkillsHistory,
    dependencies=[admits(*CASE_READERS)],
)
@on_event_loop
def executive_skills(participant_id: UUID, bridge: Bridge) -> dict[str, Any]:
    return bridge.executive_skills(participant_id)


@dataclass(frozen=True)
class JobSources:
    """The job catalogue and the cost table a jobs answer is made from (id, version)."""

    catalogue: tuple[str, str]
    table: tuple[str, str]


async def job_sources(
    catalogue_id: str = Query("nl-mbo", max_length=64),
    catalogue_version: str = Query("2026", max_length=32),
    table_id: str = Query("nl-steiger", max_length=64),
    table_version: str = Query("2026", max_length=32),
) -> JobSources:
    return JobSources((catalogue_id, catalogue_version), (table_id, table_version))


Sources = Annotated[JobSources, Depends(job_sources)]


@router.get(
    "/jobs",
    tags=["hot jobs"],
    summary="The catalogue classified as Hot and Smart Start",
    response_model=Jobs,
    responses=problems(404),
    dependencies=[admits(*EVERYONE)],
)
def jobs(bridge: Bridge, sources: Sources) -> dict[str, Any]:
    return bridge.jobs(sources.catalogue, sources.table)


@router.get(
    "/participants/{participant_id}/jobs",
    tags=["hot jobs"],
    summary="Jobs whose wage covers the household's index income, and Smart Start paths",
    response_model=JobsFor,
    responses=problems(409),
    dependencies=[admits(*CASE_READERS)],
)
def jobs_for(participant_id: UUID, bridge: Bridge, sources: Sources) -> dict[str, Any]:
    return bridge.jobs_for(participant_id, sources.catalogue, sources.table)


class HouseholdIn(Strict):
    adults: int = Field(ge=1, le=10)
    preschool_children: int = Field(0, ge=0, le=15)
    school_age_children: int = Field(0, ge=0, le=15)


class OwnJobIn(Strict):
    title: str = Field(min_length=1, max_length=120, examples=["Doktersassistent"])
    monthly_wage: Amount = Field(description="gross, per month, for full-time work")
    training_years: Decimal = Field(
        ge=0, le=10, max_digits=4, decimal_places=1,
        description="post-secondary training the job asks, in years",
    )  # fmt: skip
    table_id: str = Field("nl-steiger", max_length=64)
    table_version: str = Field("2026", max_length=32)
    household: HouseholdIn = Field(
        default_factory=lambda: HouseholdIn(adults=1, preschool_children=1, school_age_children=1),
        description="whose index the wage is measured against; Table 2's household by default",
    )
    municipality: Municipality


@router.post(
    "/jobs/classify",
    tags=["hot jobs"],
    summary="Classify a job of one's own (title, wage, training) against an index",
    response_model=OwnJobClassified,
    responses=problems(422),
    dependencies=[admits(*EVERYONE)],
)
@on_event_loop
def classify_job(body: OwnJobIn, bridge: Bridge) -> dict[str, Any]:
    h = body.household
    return bridge.classify_job(
        body.title, body.monthly_wage, body.training_years, (body.table_id, body.table_version),
        (h.adults, h.preschool_children, h.school_age_children), body.municipality,
    )  # fmt: skip


@router.get("/participants/{participant_id}/subject-access", **subject_access_route(BridgeHeld))
@on_event_loop
def subject_access(participant_id: KnownParticipant, bridge: Bridge) -> dict[str, Any]:
    return bridge.subject_access(participant_id)
