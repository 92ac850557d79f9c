"""A group's account: credited with a share of its members' rewards; spent only through a
proposal the group made and a mentor approved; never below zero."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from steiger.rewards.domain.errors import InsufficientGroupBalance, InvalidPayout

ZERO = Decimal("0.00")


class GroupAccount(Aggregate):
    if TYPE_CHECKING:  # made by the @event decorators below (dynamic: typed Any)
        Opened: ClassVar[type[Any]]
        MemberAdded: ClassVar[type[Any]]
        Credited: ClassVar[type[Any]]
        SpendingProposed: ClassVar[type[Any]]
        Spent: ClassVar[type[Any]]

    @event("Opened")
    def __init__(self, name: str, currency: str) -> None:
        self.name, self.currency = name, currency
        self.members: list[UUID] = []
        self.balance = ZERO
        self.proposals: dict[UUID, dict[str, object]] = {}

    @event("MemberAdded")
    def add_member(self, participant_id: UUID) -> None:
        self.members.append(participant_id)

    @event("Credited")
    def credit(self, amount: Decimal, reward_id: UUID, participant_id: UUID) -> None:
        self.balance += amount

    def propose(self, amount: Decimal, purpose: str, at: dt.datetime) -> UUID:
        if amount <= 0:
            raise InvalidPayout("a proposal spends a positive amount")
        proposal_id = uuid4()
        self._proposed(proposal_id, amount, purpose, at)
        return proposal_id

    @event("SpendingProposed")
    def _proposed(self, proposal_id: UUID, amount: Decimal, purpose: str, at: dt.datetime) -> None:
        self.proposals[proposal_id] = {
            "proposal_id": proposal_id, "amount": amount, "purpose": purpose,
            "proposed_at": at, "status": "proposed",
        }  # fmt: skip

    def approve(self, proposal_id: UUID, by: str, at: dt.datetime) -> None:
        proposal = self.proposals.get(proposal_id)
        if proposal is None:
            raise InvalidPayout(f"no proposal {proposal_id}")
        if proposal["status"] != "proposed":
            raise InvalidPayout(f"proposal {proposal_id} is {proposal['status']}")
        amount = proposal["amount"]
        assert isinstance(amount, Decimal)
        if amount > self.balance:
            raise InsufficientGroupBalance(
                f"the account holds {self.balance} {self.currency}; the proposal needs {amount}"
            )
        self._spent(proposal_id, amount, by, at)

    @event("Spent")
    def _spent(self, proposal_id: UUID, amount: Decimal, by: str, at: dt.datetime) -> None:
        self.balance -= amount
        self.proposals[proposal_id] = {
            **self.proposals[proposal_id], "status": "approved", "approved_by": by,
        }  # fmt: skip
