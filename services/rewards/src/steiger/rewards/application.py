from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from steiger.rewards.domain.ledger import Ledger
from steiger.rewards.domain.menu import RewardsMenu
from steiger.rewards.policies import REACTIONS
from steiger.shared.eventstore import ServiceApplication


class RewardsApplication(ServiceApplication):
    name = "rewards"
    reactions = REACTIONS

    def __init__(self, env: dict[str, str] | None = None, menu: RewardsMenu | None = None) -> None:
        super().__init__(env)
        if menu is None:
            raise ValueError("the rewards service needs a menu")
        self.menu = menu

    def ledger_for(self, participant_id: UUID) -> Ledger:
        try:
            return self.repository.get(Ledger.create_id(participant_id))
        except AggregateNotFoundError:
            return Ledger(participant_id)

    def rewards(self, participant_id: UUID) -> dict[str, Any]:
        ledger = self.ledger_for(participant_id)
        return {
            "participant_id": participant_id,
            "currency": self.menu.currency,
            "balance": ledger.balance,
            "earned": [vars(e) for e in ledger.earned.values()],
        }
