"""The Economic Independence Index: the family-sustaining income for a household type,
from monthly costs minus tax credits, as versioned cost tables per region."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from steiger.bridge.domain.errors import InvalidDefinition, NoCostTableRow

CENT = Decimal("0.01")


@dataclass(frozen=True)
class HouseholdCosts:
    type: str
    adults: int
    preschool_children: int
    school_age_children: int
    costs: dict[str, Decimal]
    tax_credits: Decimal

    @property
    def monthly(self) -> Decimal:
        return sum(self.costs.values(), Decimal(0)) - self.tax_credits


@dataclass(frozen=True)
class IndexIncome:
    household_type: str
    currency: str
    monthly: Decimal
    hourly: Decimal
    per_adult_monthly: Decimal | None
    per_adult_hourly: Decimal | None
    components: dict[str, Decimal]
    tax_credits: Decimal


@dataclass(frozen=True)
class CostTable:
    id: str
    version: str
    region: str
    currency: str
    hours_per_month: int
    source: str
    households: tuple[HouseholdCosts, ...]

    def index_for(self, adults: int, preschool: int, school_age: int) -> IndexIncome:
        for row in self.households:
            if (row.adults, row.preschool_children, row.school_age_children) == (
                adults, preschool, school_age,
            ):  # fmt: skip
                return self._index(row)
        raise NoCostTableRow(
            f"{self.id} {self.version} has no household of {adults} adult(s), {preschool} "
            f"preschool and {school_age} school-age child(ren)",
            field="household",
        )

    def _index(self, row: HouseholdCosts) -> IndexIncome:
        monthly = row.monthly
        hours = Decimal(self.hours_per_month)
        per_adult = monthly / row.adults if row.adults > 1 else None
        return IndexIncome(
            household_type=row.type,
            currency=self.currency,
            monthly=monthly.quantize(CENT),
            hourly=(monthly / hours).quantize(CENT, ROUND_HALF_UP),
            per_adult_monthly=per_adult.quantize(CENT) if per_adult is not None else None,
            per_adult_hourly=(per_adult / hours).quantize(CENT, ROUND_HALF_UP)
            if per_adult is not None
            else None,
            components=dict(row.costs),
            tax_credits=row.tax_credits,
        )

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> CostTable:
        try:
            rows = tuple(
                HouseholdCosts(
                    r["type"],
                    r["adults"],
                    r["preschool_children"],
                    r["school_age_children"],
                    {k: Decimal(v) for k, v in r["costs"].items()},
                    Decimal(r["tax_credits"]),
                )  # fmt: skip
                for r in data["households"]
            )
            table = cls(
                data["id"], data["version"], data["region"], data["currency"],
                data["hours_per_month"], data["source"], rows,
            )  # fmt: skip
        except (KeyError, TypeError, InvalidOperation) as error:
            raise InvalidDefinition(f"cost table: missing or malformed field {error!r}") from error
        kinds = [(r.adults, r.preschool_children, r.school_age_children) for r in rows]
        if len(set(kinds)) != len(kinds):
            raise InvalidDefinition(f"{table.id} {table.version}: a household type repeats")
        if any(v < 0 for r in rows for v in [*r.costs.values(), r.tax_credits]):
            raise InvalidDefinition(f"{table.id} {table.version}: costs are never negative")
        return table


def income_gap(
    index: IndexIncome, monthly_income: Decimal, wishes: dict[str, Decimal]
) -> dict[str, Decimal | dict[str, Decimal]]:
    """How far the household's income is from the index, and what their own wishes add."""
    wanted = sum(wishes.values(), Decimal(0))
    return {
        "index_monthly": index.monthly,
        "current_monthly_income": monthly_income,
        "gap": max(Decimal(0), index.monthly - monthly_income).quantize(CENT),
        "wishes": wishes,
        "wishes_monthly": wanted.quantize(CENT),
        "needed_with_wishes": (index.monthly + wanted).quantize(CENT),
        "gap_with_wishes": max(Decimal(0), index.monthly + wanted - monthly_income).quantize(CENT),
    }
