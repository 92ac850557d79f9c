from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from pydantic import BaseModel, Field

from steiger.shared.contracts.base import IntegrationEvent, Money, Timestamp


class PositionRecorded(IntegrationEvent):
    """A participant's step on one Bridge column, against a named definition and version."""

    event_type: ClassVar[str] = "nl.steiger.bridge.position-recorded.v1"

    assessment_id: UUID
    definition_id: str
    definition_version: str
    column: str
    step: int = Field(ge=1)
    points: int = Field(ge=0)
    assessed_at: Timestamp


class PositionCorrected(IntegrationEvent):
    """A mistaken position was corrected: the step on `column` in the assessment of
    `assessed_at` is now `step` (the reason stays in the bridge service)."""

    event_type: ClassVar[str] = "nl.steiger.bridge.position-corrected.v1"

    assessment_id: UUID
    definition_id: str
    definition_version: str
    column: str
    step: int = Field(ge=1)
    points: int = Field(ge=0)
    assessed_at: Timestamp
    corrected_at: Timestamp


class ExecutiveSkillsProfiled(IntegrationEvent):
    """The participant answered the executive-skills questionnaire: the three stronger and
    three weaker functions (ids of the questionnaire), never the answers. Planning suggests
    supports from the weaker ones; a conversation aid, not a diagnosis."""

    event_type: ClassVar[str] = "nl.steiger.bridge.executive-skills-profiled.v1"

    questionnaire: str = Field(description="id@version of the questionnaire answered")
    stronger: list[str] = Field(max_length=3)
    weaker: list[str] = Field(max_length=3)
    assessed_at: Timestamp


class Priority(BaseModel):
    rank: int = Field(ge=1, description="1 is what matters most to the participant")
    column: str
    target_step: int = Field(ge=1)


class PrioritiesChosen(IntegrationEvent):
    """From the potential goals of the latest Bridge assessment, the participant chose these,
    in this order (a new choice replaces the last); goals are set from them in planning."""

    event_type: ClassVar[str] = "nl.steiger.bridge.priorities-chosen.v1"

    definition_id: str
    definition_version: str
    priorities: list[Priority] = Field(max_length=30)
    chosen_at: Timestamp


OUTCOME_FACTS = (
    "enrolled_in_education",
    "employed",
    "changed_job_in_year",
    "career_pays_index",
    "within_household_budget",
    "buffer_for_unforeseen",
    "home_owner",
)
"""The yes/no facts behind the outcome indicators the evaluations report (seed 000, chapter
6, Table 4, with home ownership from its text); savings per household is the eighth."""


class Outcomes(BaseModel):
    """The facts behind the Table 4 indicators, each known or not (null)."""

    enrolled_in_education: bool | None = None
    employed: bool | None = None
    changed_job_in_year: bool | None = Field(None, description="in the past twelve months")
    career_pays_index: bool | None = Field(
        None, description="working in a career that pays the Economic Independence Index income"
    )
    within_household_budget: bool | None = None
    buffer_for_unforeseen: bool | None = Field(None, description="savings for unforeseen costs")
    home_owner: bool | None = None
    savings: Money | None = Field(None, ge=0, description="of the household, in the currency")


class OutcomesRecorded(IntegrationEvent):
    """The outcome facts as they stood at a Bridge assessment (the first is the intake):
    asked of the participant, or following from the Bridge steps (`derived`)."""

    event_type: ClassVar[str] = "nl.steiger.bridge.outcomes-recorded.v1"

    assessment_id: UUID
    outcomes: Outcomes
    derived: list[str] = Field(
        default_factory=list, description="the facts that follow from the Bridge steps"
    )
    assessed_at: Timestamp
