"""The rewards menu: objective, versioned data saying what each achievement earns."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from steiger.rewards.domain.errors import InvalidMenu


@dataclass(frozen=True)
class MenuItem:
    id: str
    column: str | None
    trigger: str
    amount: Decimal
    kind: str
    label: dict[str, str]


@dataclass(frozen=True)
class RewardsMenu:
    id: str
    version: str
    currency: str
    items: dict[str, MenuItem]

    def for_completed_action(self, item_id: str | None) -> MenuItem | None:
        item = self.items.get(item_id) if item_id else None
        return item if item is not None and item.trigger == "action-completed" else None

    @classmethod
    def from_data(cls, data: dict) -> RewardsMenu:
        try:
            items = {
                raw["id"]: MenuItem(
                    raw["id"],
                    raw.get("column"),
                    raw["trigger"],
                    Decimal(raw["amount"]),
                    raw["kind"],
                    raw["label"],
                )
                for raw in data["items"]
            }
            menu = cls(data["id"], data["version"], data["currency"], items)
        except (KeyError, TypeError, InvalidOperation) as error:
            raise InvalidMenu(f"menu item is incomplete or malformed: {error!r}") from error
        if len(items) != len(data["items"]):
            raise InvalidMenu(f"menu {menu.id} {menu.version} repeats an item id")
        for item in items.values():
            if item.amount <= 0 or item.amount != item.amount.quantize(Decimal("0.01")):
                raise InvalidMenu(f"item {item.id}: amount must be positive whole cents")
        return menu
