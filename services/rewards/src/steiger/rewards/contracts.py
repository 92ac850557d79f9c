"""Rewards' domain events mapped to public contracts."""

from __future__ import annotations

from typing import Any

from steiger.rewards.domain.ledger import Ledger
from steiger.shared.contracts import IntegrationEvent
from steiger.shared.contracts.rewards import (
    RewardEarned,
    RewardIssued,
    RewardReversed,
    RewardWithheld,
)


def to_contract(event: Any) -> IntegrationEvent | None:
    if isinstance(event, Ledger.RewardEarned):
        return RewardEarned(
            participant_id=event.participant_id,
            reward_id=event.reward_id,
            item_id=event.item_id,
            rule=event.rule,
            trigger=event.trigger,
            amount=event.amount,
            currency=event.currency,
            column=event.column,
            earned_at=event.earned_at,
        )
    if isinstance(event, Ledger.RewardWithheld):
        return RewardWithheld(
            participant_id=event.participant_id,
            item_id=event.item_id,
            rule=event.rule,
            trigger=event.trigger,
            amount=event.amount,
            currency=event.currency,
            reason=event.reason,
            withheld_at=event.at,
        )
    if isinstance(event, Ledger.RewardIssued):
        return RewardIssued(
            participant_id=event.participant_id, reward_id=event.reward_id, issued_at=event.at
        )
    if isinstance(event, Ledger.RewardReversed):
        return RewardReversed(
            participant_id=event.participant_id,
            reward_id=event.reward_id,
            amount=event.amount,
            reversed_at=event.at,
        )
    return None
