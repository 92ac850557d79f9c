"""Rewards' domain events mapped to public contracts."""

from __future__ import annotations

from steiger.rewards.domain.ledger import Ledger
from steiger.shared.contracts.rewards import (
    RewardEarned,
    RewardIssued,
    RewardReversed,
    RewardWithheld,
)
from steiger.shared.contracts.translation import To, Translator

to_contract = Translator(
    {
        Ledger.RewardEarned: To(RewardEarned),
        Ledger.RewardWithheld: To(RewardWithheld, withheld_at="at"),
        Ledger.RewardIssued: To(RewardIssued, issued_at="at"),
        Ledger.RewardReversed: To(RewardReversed, reversed_at="at"),
    }
)
