"""Bridge's domain events mapped to its public contracts (a position's note and the
questionnaire's answers stay here)."""

from __future__ import annotations

from steiger.bridge.domain.record import BridgeRecord
from steiger.shared.contracts.bridge import (
    ExecutiveSkillsProfiled,
    Outcomes,
    OutcomesRecorded,
    PositionCorrected,
    PositionRecorded,
    PrioritiesChosen,
)
from steiger.shared.contracts.translation import To, Translator

to_contract = Translator(
    {
        BridgeRecord.PositionRecorded: To(PositionRecorded),
        BridgeRecord.PositionCorrected: To(PositionCorrected, corrected_at="timestamp"),
        BridgeRecord.ExecutiveSkillsProfiled: To(ExecutiveSkillsProfiled),
        BridgeRecord.PrioritiesChosen: To(PrioritiesChosen),
        BridgeRecord.OutcomesRecorded: To(
            OutcomesRecorded, outcomes=lambda e: Outcomes.model_validate(e.outcomes)
        ),
    }
)
