"""A participant's rewards ledger: append-only. Each trigger is decided once — earned,
withheld with its reason, or partly both — and earned rewards are issued or reversed by a
person, with a reference or a reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5
from zoneinfo import ZoneInfo

from eventsourcing.domain import Aggregate, event

from steiger.rewards.domain.errors import InvalidPayout, RewardNotFound
from steiger.rewards.domain.menu import CENT, MenuItem

CALENDAR = ZoneInfo("Europe/Amsterdam")
"""Caps and periods follow the calendar year where the participant lives."""
ZERO = Decimal("0.00")


@dataclass
class Earned:
    reward_id: UUID
    item_id: str
    rule: str
    trigger: str
    amount: Decimal
    currency: str
    column: str | None
    earned_at: dt.datetime
    group_credit: Decimal = ZERO
    issued: dict[str, object] | None = None
    reversed: dict[str, object] | None = None

    @property
    def year(self) -> int:
        return self.earned_at.astimezone(CALENDAR).year


@dataclass(frozen=True)
class Withheld:
    item_id: str
    rule: str
    trigger: str
    amount: Decimal
    reason: str
    at: dt.datetime
    why: dict[str, str] | None = None
    """The reason as a code and its values (statement_texts), for the reader's language."""


@dataclass(frozen=True)
class Decision:
    earned: Decimal
    withheld: Decimal
    group_credit: Decimal


class Ledger(Aggregate):
    if TYPE_CHECKING:  # made by the @event decorators below (dynamic: typed Any)
        Opened: ClassVar[type[Any]]
        Enrolled: ClassVar[type[Any]]
        RewardEarned: ClassVar[type[Any]]
        RewardWithheld: ClassVar[type[Any]]
        RewardIssued: ClassVar[type[Any]]
        RewardReversed: ClassVar[type[Any]]
        JoinedGroupAccount: ClassVar[type[Any]]

    @staticmethod
    def create_id(participant_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"urn:steiger:rewards-ledger:{participant_id}")

    @event("Opened")
    def __init__(self, participant_id: UUID) -> None:
        self.participant_id = participant_id
        self.earned: dict[UUID, Earned] = {}
        self.withheld: list[Withheld] = []
        self.decided: set[str] = set()
        self.group_account_id: UUID | None = None
        self.programme: str | None = None
        self.enrolled_on: dt.date | None = None

    @event("Enrolled")
    def note_enrolment(self, programme: str, enrolled_on: dt.date) -> None:
        """From the participant's intake: for anniversaries and figures per programme."""
        self.programme, self.enrolled_on = programme, enrolled_on

    def anniversaries_due(self, items: list[MenuItem], today: dt.date) -> list[MenuItem]:
        if self.enrolled_on is None:
            return []
        return [
            item
            for item in items
            if item.years is not None
            and _years_between(self.enrolled_on, today) >= item.years
            and f"anniversary:{item.id}" not in self.decided
        ]

    # earning, by the menu

    def earn(
        self,
        item: MenuItem,
        menu: str,
        currency: str,
        trigger: str,
        at: dt.datetime,
        annual_cap: Decimal | None = None,
    ) -> Decision | None:
        """Decide `trigger` (e.g. 'action-completed:<id>') by `item`; None if decided before."""
        if trigger in self.decided:
            return None
        year = at.astimezone(CALENDAR).year
        rule = f"{menu}:{item.trigger}:{item.id}"
        this_item = [e for e in self.earned.values() if e.item_id == item.id and not e.reversed]
        amount = item.amount_for(any(e.year < year for e in this_item))
        limit = item.limit_per_year
        why: dict[str, str] | None = None
        if item.one_off and this_item:
            first = this_item[0].earned_at.astimezone(CALENDAR).date()
            reason = f"{item.id} is earned once (it was on {first})"
            why = {"code": "once", "first": first.strftime("%d-%m-%Y")}
        elif limit is not None and sum(1 for e in this_item if e.year == year) >= limit:
            reason = f"{item.id} is earned at most {limit} times a year"
            why = {"code": "limit", "limit": str(limit)}
        if why is not None:
            self._withheld(
                item.id, rule, trigger, amount, currency, reason, at, self.participant_id, why
            )
            return Decision(ZERO, amount, ZERO)
        granted = amount
        if annual_cap is not None:
            granted = max(ZERO, min(amount, annual_cap - self.total_in(year)))
        credit = ZERO
        if granted > 0:
            if self.group_account_id is not None:
                credit = (granted * item.group_share).quantize(CENT, ROUND_HALF_UP)
            self._reward_earned(
                uuid5(self.id, trigger), item.id, rule, trigger, granted, currency,
                item.column, at, self.participant_id, self.group_account_id, credit,
            )  # fmt: skip
        if granted < amount:
            reason = f"the yearly cap of {annual_cap} {currency} for {year} is reached"
            why = {"code": "cap", "cap": str(annual_cap), "currency": currency, "year": str(year)}
            self._withheld(
                item.id, rule, trigger, amount - granted, currency, reason, at,
                self.participant_id, why,
            )  # fmt: skip
        return Decision(granted, amount - granted, credit)

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
        group_account_id: UUID | None = None,
        group_credit: Decimal = ZERO,
    ) -> None:
        self.decided.add(trigger)
        self.earned[reward_id] = Earned(
            reward_id, item_id, rule, trigger, amount, currency, column, earned_at, group_credit
        )

    @event("RewardWithheld")
    def _withheld(
        self,
        item_id: str,
        rule: str,
        trigger: str,
        amount: Decimal,
        currency: str,
        reason: str,
        at: dt.datetime,
        participant_id: UUID,
        why: dict[str, str] | None = None,
    ) -> None:
        self.decided.add(trigger)
        self.withheld.append(Withheld(item_id, rule, trigger, amount, reason, at, why))

    def total_in(self, year: int) -> Decimal:
        return sum(
            (e.amount for e in self.earned.values() if e.year == year and not e.reversed), ZERO
        )

    # payout, by a person

    def issue(self, reward_id: UUID, reference: str, by: str, at: dt.datetime) -> None:
        reward = self.reward(reward_id)
        if reward.reversed:
            raise InvalidPayout(f"reward {reward_id} was reversed; it cannot be issued")
        if reward.issued:
            raise InvalidPayout(
                f"reward {reward_id} was already issued ({reward.issued['reference']})"
            )
        self._issued(reward_id, reference, by, at, self.participant_id)

    @event("RewardIssued")
    def _issued(
        self, reward_id: UUID, reference: str, by: str, at: dt.datetime, participant_id: UUID
    ) -> None:
        self.earned[reward_id].issued = {"reference": reference, "by": by, "at": at}

    def reverse(self, reward_id: UUID, reason: str, by: str, at: dt.datetime) -> None:
        reward = self.reward(reward_id)
        if reward.reversed:
            raise InvalidPayout(f"reward {reward_id} was already reversed")
        self._reversed(reward_id, reason, by, at, reward.amount, self.participant_id)

    @event("RewardReversed")
    def _reversed(
        self,
        reward_id: UUID,
        reason: str,
        by: str,
        at: dt.datetime,
        amount: Decimal,
        participant_id: UUID,
    ) -> None:
        self.earned[reward_id].reversed = {"reason": reason, "by": by, "at": at}

    def earned_for(self, trigger: str) -> UUID:
        return uuid5(self.id, trigger)

    def reward(self, reward_id: UUID) -> Earned:
        try:
            return self.earned[reward_id]
        except KeyError:
            raise RewardNotFound(f"no reward {reward_id} for this participant") from None

    @event("JoinedGroupAccount")
    def join_group_account(self, account_id: UUID) -> None:
        self.group_account_id = account_id

    # figures

    @property
    def balance(self) -> Decimal:
        """Earned and not reversed."""
        return sum((e.amount for e in self.earned.values() if not e.reversed), ZERO)

    @property
    def outstanding(self) -> Decimal:
        """Earned, not reversed, not yet issued: what the organisation still owes."""
        return sum(
            (e.amount for e in self.earned.values() if not e.reversed and not e.issued), ZERO
        )


def _years_between(start: dt.date, end: dt.date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))
