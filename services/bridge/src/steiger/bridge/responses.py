"""What the bridge API answers: a model per response, so its OpenAPI document says it and a
generated client needs no hand edits. The domain's value objects (a position, a definition,
an index income) are answered as they are."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from steiger.bridge.domain.eix import IndexIncome
from steiger.bridge.domain.record import Position
from steiger.shared.contracts.bridge import Outcomes, Priority


class AssessmentCreated(BaseModel):
    assessment_id: UUID


class Positions(BaseModel):
    participant_id: UUID
    latest: list[Position] = Field(description="the latest position per column")
    total_points: int
    history: list[Position] = Field(description="every position recorded, corrections included")


class OutcomesAt(BaseModel):
    assessment_id: UUID
    assessed_at: dt.datetime
    outcomes: Outcomes
    derived: list[str] = Field(description="the facts that follow from the Bridge steps")


class PotentialGoal(BaseModel):
    column: str
    name: dict[str, str]
    step: int = Field(description="where the participant stands now")
    now: dict[str, str] = Field(description="that step, in Dutch and English")
    target_step: int
    target: dict[str, str] = Field(description="the next step up, in Dutch and English")
    points_gained: int


class PotentialGoals(BaseModel):
    participant_id: UUID
    definition_id: str
    definition_version: str
    potential_goals: list[PotentialGoal] = Field(description="the lowest steps first")
    priorities: list[Priority] = Field(description="the participant's last choice, ranked")


class ColumnScore(BaseModel):
    step: int
    points: int


class Score(BaseModel):
    """The score after one assessment; columns not assessed then carry earlier positions."""

    assessed_at: dt.datetime
    assessment_id: UUID
    columns: dict[str, ColumnScore]
    pillars: dict[str, int]
    total: int


class Change(BaseModel):
    """Points gained (or lost) per column, per pillar and in total."""

    columns: dict[str, int]
    pillars: dict[str, int]
    total: int


class Scores(BaseModel):
    definition_id: str
    intake: Score | None = None
    latest: Score | None = None
    change_since_intake: Change | None = None
    change_since_previous: Change | None = None
    timeline: list[Score]


class DefinitionSummary(BaseModel):
    id: str
    version: str
    name: dict[str, str] = Field(description="per language")


class CostTableSummary(BaseModel):
    id: str
    version: str
    region: str
    currency: str
    source: str
    household_types: list[str] = Field(description="the published rows")
    tailors_any_household: bool = Field(
        description="whether per-person components tailor the index of any other household"
    )
    municipalities: list[str] = Field(description="those whose housing cost the table adjusts")


class TableReference(BaseModel):
    id: str
    version: str
    region: str


class EconomicIndependence(BaseModel):
    participant_id: UUID
    table: TableReference
    index: IndexIncome
    index_monthly: Decimal
    current_monthly_income: Decimal
    gap: Decimal = Field(description="what the income lacks to reach the index; never negative")
    wishes: dict[str, Decimal]
    wishes_monthly: Decimal
    needed_with_wishes: Decimal
    gap_with_wishes: Decimal


class NamedFunction(BaseModel):
    function: str
    name: dict[str, str] = Field(description="in Dutch (nl) and English (en)")


class Support(BaseModel):
    code: str = Field(examples=["smaller-steps"])
    nl: str
    en: str
    for_function: str = Field(alias="for", description="the weaker function suggesting it")


class ExecutiveSkillsProfile(BaseModel):
    assessed_at: dt.datetime
    questionnaire: str = Field(description="id@version of the questionnaire it was answered on")
    scores: dict[str, int] = Field(description="per function")
    stronger: list[str] = Field(description="the three strongest functions, strongest first")
    weaker: list[str] = Field(description="the three weakest functions, weakest first")
    stronger_named: list[NamedFunction]
    weaker_named: list[NamedFunction]
    supports: list[Support] = Field(
        description="what the weaker functions suggest when a goal is planned, weakest first"
    )
    notice: dict[str, str] = Field(
        description="in Dutch and English: a conversation aid, not a diagnosis"
    )


class ExecutiveSkillsHistory(BaseModel):
    latest: ExecutiveSkillsProfile
    history: list[ExecutiveSkillsProfile]


class JobOut(BaseModel):
    occupation: str
    sector: str
    monthly_wage: Decimal
    vacancies_5y: int
    training_years: Decimal
    short_training_share: Decimal
    good_benefits_share: Decimal
    hot_sector_share: Decimal
    illustrative: list[str]


class ClassifiedJob(JobOut):
    job_class: Literal["hot", "smart-start"] | None = Field(alias="class")


class CatalogueReference(BaseModel):
    id: str
    version: str
    source: str


class Jobs(BaseModel):
    catalogue: CatalogueReference
    reference_index_monthly: Decimal
    jobs: list[ClassifiedJob]


class JobsFor(BaseModel):
    participant_id: UUID
    index_monthly: Decimal
    strengths: list[NamedFunction] = Field(
        description="the stronger executive functions of the latest profile, to weigh the jobs"
    )
    covering_jobs: list[JobOut]
    smart_start_paths: list[JobOut]


class OwnJobClassified(BaseModel):
    title: str
    monthly_wage: Decimal
    training_years: Decimal
    index: IndexIncome = Field(description="the index the wage is measured against")
    job_class: Literal["hot", "smart-start"] | None = Field(alias="class")
    share_of_index: Decimal | None = Field(description="the wage as a share of the index income")
    shortfall_monthly: Decimal = Field(description="what the wage lacks to reach the index")
    not_assessed: list[str] = Field(
        description="catalogue criteria a single job cannot tell (vacancies, benefits, sectors)"
    )


class AnsweredQuestionnaire(BaseModel):
    questionnaire: str = Field(description="id@version of the questionnaire as answered")
    answers: dict[str, int]
    assessed_at: dt.datetime


class HouseholdKnown(BaseModel):
    adults: int
    preschool_children: int
    school_age_children: int


class BridgeHeld(BaseModel):
    """GDPR art. 15: what the bridge service holds about the participant."""

    positions: list[Position] = Field(description="every position, with its note and correction")
    executive_skills: list[AnsweredQuestionnaire]
    household: HouseholdKnown | None
    outcomes: list[OutcomesAt] = Field(description="the outcome facts at each assessment")
