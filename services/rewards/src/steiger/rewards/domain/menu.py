"""The rewards menu: objective, versioned data saying what each achievement earns."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from steiger.rewards.domain.errors import InvalidMenu

TRIGGERS = ("action-completed", "goal-achieved", "step-reached", "anniversary")
KINDS = ("voucher", "cash", "goods", "privilege", "diploma", "ceremony")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class MenuItem:
    id: str
    column: str | None
    trigger: str
    amount: Decimal
    kind: str
    label: dict[str, str]
    step: int | None = None  # step-reached: at or above this step
    years: int | None = None  # anniversary
    subsequent_amount: Decimal | None = None  # periodic: after the first period
    period: str | None = None  # "year"
    limit_per_year: int | None = None
    group_share: Decimal = Decimal("0")

    @property
    def one_off(self) -> bool:
        """Earned once per participant: neither periodic nor limited to some times a year."""
        return self.period is None and self.limit_per_year is None

    def amount_for(self, earned_before: bool) -> Decimal:
        if earned_before and self.subsequent_amount is not None:
            return self.subsequent_amount
        return self.amount


@dataclass(frozen=True)
class RewardsMenu:
    id: str
    version: str
    currency: str
    items: dict[str, MenuItem]
    annual_cap: Decimal | None = None

    @property
    def ref(self) -> str:
        return f"{self.id}-{self.version}"

    def for_completed_action(self, item_id: str | None) -> MenuItem | None:
        item = self.items.get(item_id) if item_id else None
        return item if item is not None and item.trigger == "action-completed" else None

    def for_goal_achieved(self, column: str | None) -> list[MenuItem]:
        return [
            i for i in self.items.values() if i.trigger == "goal-achieved" and i.column == column
        ]

    def anniversaries(self) -> list[MenuItem]:
        return [i for i in self.items.values() if i.trigger == "anniversary"]

    def for_step(self, column: str, step: int) -> list[MenuItem]:
        return [
            i
            for i in self.items.values()
            if i.trigger == "step-reached" and i.column == column and step >= (i.step or 0)
        ]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> RewardsMenu:
        try:
            items = {raw["id"]: _item(raw) for raw in data["items"]}
            cap = Decimal(data["annual_cap"]) if data.get("annual_cap") else None
            menu = cls(data["id"], data["version"], data["currency"], items, cap)
        except (KeyError, TypeError, InvalidOperation, ValueError) as error:
            raise InvalidMenu(f"menu item is incomplete or malformed: {error!r}") from error
        if len(items) != len(data["items"]):
            raise InvalidMenu(f"menu {menu.id} {menu.version} repeats an item id")
        for item in items.values():
            _check(item)
        return menu


def _item(raw: dict[str, Any]) -> MenuItem:
    subsequent = raw.get("subsequent_amount")
    return MenuItem(
        raw["id"],
        raw.get("column"),
        raw["trigger"],
        Decimal(raw["amount"]),
        raw["kind"],
        raw["label"],
        step=raw.get("step"),
        years=raw.get("years"),
        subsequent_amount=Decimal(subsequent) if subsequent is not None else None,
        period=raw.get("period"),
        limit_per_year=raw.get("limit_per_year"),
        group_share=Decimal(raw.get("group_share", "0")),
    )


def _check(item: MenuItem) -> None:
    amounts = [item.amount] + ([item.subsequent_amount] if item.subsequent_amount else [])
    if any(a <= 0 or a != a.quantize(CENT) for a in amounts):
        raise InvalidMenu(f"item {item.id}: amounts must be positive whole cents")
    if item.trigger not in TRIGGERS:
        raise InvalidMenu(f"item {item.id}: trigger must be one of {TRIGGERS}")
    if item.kind not in KINDS:
        raise InvalidMenu(f"item {item.id}: kind must be one of {KINDS}")
    if item.trigger == "step-reached" and not item.step:
        raise InvalidMenu(f"item {item.id}: a step-reached item names its step")
    if item.trigger == "anniversary" and not item.years:
        raise InvalidMenu(f"item {item.id}: an anniversary item names its number of years")
    if (item.subsequent_amount is None) != (item.period is None):
        raise InvalidMenu(f"item {item.id}: a periodic item has a subsequent amount and period")
    if not Decimal("0") <= item.group_share <= Decimal("1"):
        raise InvalidMenu(f"item {item.id}: group_share is a fraction between 0 and 1")
