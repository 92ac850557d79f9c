from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError

from steiger.bridge.domain.definition import BridgeDefinition
from steiger.bridge.domain.errors import DefinitionNotFound, NoAssessmentYet
from steiger.bridge.domain.record import BridgeRecord
from steiger.shared.eventstore import ServiceApplication


class BridgeApplication(ServiceApplication):
    name = "bridge"

    def __init__(
        self,
        env: dict[str, str] | None = None,
        definitions: dict[tuple[str, str], BridgeDefinition] | None = None,
    ) -> None:
        super().__init__(env)
        self.definitions = definitions or {}

    def record_assessment(
        self,
        participant_id: UUID,
        definition_id: str,
        definition_version: str,
        steps: dict[str, int],
        assessed_at: dt.datetime,
    ) -> UUID:
        definition = self.definition(definition_id, definition_version)
        record = self._record_of(participant_id) or BridgeRecord(participant_id)
        assessment_id = uuid4()
        record.record_assessment(assessment_id, definition, steps, assessed_at)
        self.save(record)
        return assessment_id

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

    def definition(self, definition_id: str, version: str) -> BridgeDefinition:
        try:
            return self.definitions[(definition_id, version)]
        except KeyError:
            raise DefinitionNotFound(f"no Bridge definition {definition_id} {version}") from None

    def _record_of(self, participant_id: UUID) -> BridgeRecord | None:
        try:
            return self.repository.get(BridgeRecord.create_id(participant_id))
        except AggregateNotFoundError:
            return None
