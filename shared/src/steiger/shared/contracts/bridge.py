from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from pydantic import Field

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
