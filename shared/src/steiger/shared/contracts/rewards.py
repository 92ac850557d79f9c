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


class RewardWithheld(IntegrationEvent):
    """What the menu would have awarded but a cap or limit held back, with the reason:
    visible to mentor and participant, never silently dropped."""

    event_type: ClassVar[str] = "nl.steiger.rewards.reward-withheld.v1"

    item_id: str
    rule: str
    trigger: str
    amount: Money
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    reason: str
    withheld_at: Timestamp


class RewardIssued(IntegrationEvent):
    """An earned reward was handed out (voucher code or payment reference stays here)."""

    event_type: ClassVar[str] = "nl.steiger.rewards.reward-issued.v1"

    reward_id: UUID
    issued_at: Timestamp


class RewardReversed(IntegrationEvent):
    """An earned reward was reversed as a correction."""

    event_type: ClassVar[str] = "nl.steiger.rewards.reward-reversed.v1"

    reward_id: UUID
    amount: Money
    reversed_at: Timestamp
