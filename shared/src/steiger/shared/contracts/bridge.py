from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from pydantic import BaseModel, Field

from steiger.shared.contracts.base import IntegrationEvent, Timestamp


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
