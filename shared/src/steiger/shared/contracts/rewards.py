from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from pydantic import Field

from steiger.shared.contracts.base import IntegrationEvent, Money, Timestamp


class RewardEarned(IntegrationEvent):
    """The rewards menu awarded a reward for an achievement (exactly once per trigger)."""

    event_type: ClassVar[str] = "nl.steiger.rewards.reward-earned.v1"

    reward_id: UUID
    item_id: str
    rule: str = Field(description="the menu rule that fired, e.g. 'action-completed:<item>'")
    trigger: str = Field(description="what earned it, e.g. 'action-completed:<action id>'")
    amount: Money
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    column: str | None
    earned_at: Timestamp
