from __future__ import annotations

from dataclasses import asdict
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from steiger.bridge.application import BridgeApplication
from steiger.bridge.domain.errors import (
    DefinitionNotFound,
    InvalidDefinition,
    NoAssessmentYet,
    UnknownPosition,
)
from steiger.shared.http import current_application

Bridge = Annotated[BridgeApplication, Depends(current_application)]
router = APIRouter(tags=["bridge"])

DOMAIN_ERRORS = {
    DefinitionNotFound: 404,
    NoAssessmentYet: 404,
    UnknownPosition: 422,
    InvalidDefinition: 422,
}


class AssessmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    definition_id: str = Field(max_length=64, examples=["nl-alphen"])
    definition_version: str = Field(max_length=32, examples=["2017-09-07"])
    steps: dict[str, int] = Field(
        min_length=1, description="step per column id", examples=[{"debts": 2, "income": 1}]
    )
    assessed_at: AwareDatetime


class AssessmentCreated(BaseModel):
    assessment_id: UUID


@router.post("/participants/{participant_id}/assessments", status_code=status.HTTP_201_CREATED)
def record_assessment(
    participant_id: UUID, body: AssessmentIn, bridge: Bridge
) -> AssessmentCreated:
    assessment_id = bridge.record_assessment(
        participant_id, body.definition_id, body.definition_version, body.steps, body.assessed_at
    )
    return AssessmentCreated(assessment_id=assessment_id)


@router.get("/participants/{participant_id}/positions")
def positions(participant_id: UUID, bridge: Bridge) -> dict:
    return bridge.positions(participant_id)


@router.get("/definitions")
def definitions(bridge: Bridge) -> list[dict]:
    return [{"id": d.id, "version": d.version, "name": d.name} for d in bridge.definitions.values()]


@router.get("/definitions/{definition_id}/{version}")
def definition(definition_id: str, version: str, bridge: Bridge) -> dict:
    return asdict(bridge.definition(definition_id, version))
