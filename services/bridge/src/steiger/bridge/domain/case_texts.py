"""Which fields of the bridge service's events are free text about a participant: stored
sealed with the participant's key, unreadable once they are erased
(`steiger.shared.sealing`); positions and points stay, pseudonymous, for the statistics."""

from __future__ import annotations

from steiger.bridge.domain.record import BridgeRecord

CASE_TEXTS: dict[type, tuple[str, ...]] = {
    BridgeRecord.PositionRecorded: ("note",),
    BridgeRecord.PositionCorrected: ("reason",),
}
