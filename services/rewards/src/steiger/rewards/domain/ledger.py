"""A participant's rewards ledger: append-only, each reward earned exactly once per trigger."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from steiger.rewards.domain.menu import MenuItem


@dataclass(frozen=True)
class Earned:
    reward_id: UUID
    item_id: str
    rule: str
    trigger: str
    amount: Decimal
    currency: str
    column: str | None
    earned_at: dt.datetime


class Ledger(Aggregate):
    @staticmethod
    def create_id(participant_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"urn:steiger:rewards-ledger:{participant_id}")

    @event("Opened")
    def __init__(self, participant_id: UUID) -> None:
        self.participant_id = participant_id
        self.earned: dict[str, Earned] = {}

    def earn(
        self, item: MenuItem, menu: str, currency: str, trigger: str, earned_at: dt.datetime
    ) -> bool:
        """Earn `item` for `trigger` (e.g. 'action-completed:<id>'); False if already earned."""
        if trigger in self.earned:
            return False
        reward_id = uuid5(self.id, trigger)
        rule = f"{menu}:{item.trigger}:{item.id}"
        self._reward_earned(
            reward_id,
            item.id,
            rule,
            trigger,
            item.amount,
            currency,
            item.column,
            earned_at,
            self.participant_id,
        )
        return True

    @event("RewardEarned")
    def _reward_earned(
        self,
        reward_id: UUID,
        item_id: str,
        rule: str,
        trigger: str,
        amount: Decimal,
        currency: str,
        column: str | None,
        earned_at: dt.datetime,
        participant_id: UUID,
    ) -> None:
        self.earned[trigger] = Earned(
            reward_id, item_id, rule, trigger, amount, currency, column, earned_at
        )

    @property
    def balance(self) -> Decimal:
        return sum((e.amount for e in self.earned.values()), Decimal("0.00"))
