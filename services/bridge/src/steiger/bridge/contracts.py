"""Bridge's domain events mapped to its public contracts."""

from __future__ import annotations

from typing import Any

from steiger.bridge.domain.record import BridgeRecord
from steiger.shared.contracts import IntegrationEvent
from steiger.shared.contracts.bridge import PositionCorrected, PositionRecorded


def to_contract(event: Any) -> IntegrationEvent | None:
    if isinstance(event, BridgeRecord.PositionRecorded):
        return PositionRecorded(
            participant_id=event.participant_id,
            assessment_id=event.assessment_id,
            definition_id=event.definition_id,
            definition_version=event.definition_version,
            column=event.column,
            step=event.step,
            points=event.points,
            assessed_at=event.assessed_at,
        )
    if isinstance(event, BridgeRecord.PositionCorrected):
        return PositionCorrected(
            participant_id=event.participant_id,
            assessment_id=event.assessment_id,
            definition_id=event.definition_id,
            definition_version=event.definition_version,
            column=event.column,
            step=event.step,
            points=event.points,
            assessed_at=event.assessed_at,
            corrected_at=event.timestamp,
        )
    return None
