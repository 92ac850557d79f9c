"""Which fields of the rewards service's events are free text about a participant: stored
sealed with the participant's key, unreadable once they are erased
(`steiger.shared.sealing`); amounts, items and dates stay, pseudonymous, for the statistics
and the books."""

from __future__ import annotations

from steiger.rewards.domain.ledger import Ledger

CASE_TEXTS: dict[type, tuple[str, ...]] = {
    Ledger.RewardIssued: ("reference", "by"),  # a voucher code or payment reference
    Ledger.RewardReversed: ("reason", "by"),
}
