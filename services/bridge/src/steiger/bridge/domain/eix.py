"""The Economic Independence Index: the family-sustaining income of a household, from
monthly costs minus tax credits, as versioned cost tables per region.

A table publishes rows for common household types (seed 000, Table 1), reproduced exactly,
and may carry per-person components from which the index of any other household is
tailored, as the seed describes: costs shared by the household (housing, utilities) by its
size, and what each adult, preschool child and school-age child adds. Housing follows the
municipality where the table knows a factor for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal

from steiger.bridge.domain.errors import InvalidDefinition, NoCostTableRow

CENT = Decimal("0.01")
PERSON_KINDS = ("first_adult", "other_adult", "preschool_child", "school_age_child")
SHARED_COSTS = ("housing", "utilities")


def household_type(adults: int, preschool: int, school_age: int) -> str:
    """The tables' own code: 1a1p1s is one adult, a preschooler and a school-age child."""
    return (
        f"{adults}a"
        + (f"{preschool}p" if preschool else "")
        + (f"{school_age}s" if school_age else "")
    )


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

    def with_housing_factor(self, factor: Decimal) -> HouseholdCosts:
        costs = dict(self.costs)
        costs["housing"] = (costs.get("housing", Decimal(0)) * factor).quantize(CENT, ROUND_HALF_UP)
        return HouseholdCosts(
            self.type, self.adults, self.preschool_children, self.school_age_children,
            costs, self.tax_credits,
        )  # fmt: skip


@dataclass(frozen=True)
class PersonCosts:
    """What one more person of a kind adds to the household's month."""

    costs: dict[str, Decimal]
    tax_credits: Decimal


@dataclass(frozen=True)
class Components:
    """Per-person costs, for households the table publishes no row for."""

    shared: dict[str, tuple[Decimal, ...]]
    """Per shared cost, the amount for 1, 2, 3 … persons; the last for every larger size."""
    persons: dict[str, PersonCosts]

    def household(self, adults: int, preschool: int, school_age: int) -> HouseholdCosts:
        size = adults + preschool + school_age
        counts = {
            "first_adult": 1,
            "other_adult": adults - 1,
            "preschool_child": preschool,
            "school_age_child": school_age,
        }
        costs = {
            name: by_size[min(size, len(by_size)) - 1] for name, by_size in self.shared.items()
        }
        credits = Decimal(0)
        for kind, count in counts.items():
            person = self.persons[kind]
            for name, amount in person.costs.items():
                costs[name] = costs.get(name, Decimal(0)) + amount * count
            credits += person.tax_credits * count
        return HouseholdCosts(
            household_type(adults, preschool, school_age), adults, preschool, school_age,
            costs, credits,
        )  # fmt: skip


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
    basis: Literal["published", "tailored"] = "published"
    """published: the table's own row; tailored: summed from its per-person components."""
    municipality: str | None = None
    housing_factor: Decimal = Decimal(1)


@dataclass(frozen=True)
class CostTable:
    id: str
    version: str
    region: str
    currency: str
    hours_per_month: int
    source: str
    households: tuple[HouseholdCosts, ...]
    components: Components | None = None
    housing_factors: dict[str, Decimal] = field(default_factory=dict)
    """Per municipality (its name, as intake records it), housing cost × factor."""

    def index_for(
        self, adults: int, preschool: int, school_age: int, municipality: str | None = None
    ) -> IndexIncome:
        published = next(
            (
                row
                for row in self.households
                if (row.adults, row.preschool_children, row.school_age_children)
                == (adults, preschool, school_age)
            ),
            None,
        )
        if published is None and self.components is None:
            raise NoCostTableRow(
                f"{self.id} {self.version} publishes no household of {adults} adult(s), "
                f"{preschool} preschool and {school_age} school-age child(ren) and has no "
                "per-person components to tailor one",
                field="household",
            )
        row = published or self.components.household(adults, preschool, school_age)  # type: ignore[union-attr]
        factor = self.housing_factors.get(municipality or "", Decimal(1))
        if factor != 1:
            row = row.with_housing_factor(factor)
        return self._index(row, "published" if published else "tailored", municipality, factor)

    def _index(
        self,
        row: HouseholdCosts,
        basis: Literal["published", "tailored"],
        municipality: str | None,
        factor: Decimal,
    ) -> IndexIncome:
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
            basis=basis,
            municipality=municipality if factor != 1 else None,
            housing_factor=factor,
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
                int(data["hours_per_month"]), data["source"], rows,
                _components(data.get("components")),
                {m: Decimal(f) for m, f in data.get("housing_factors", {}).items()},
            )  # fmt: skip
        except (KeyError, TypeError, ValueError, AttributeError, InvalidOperation) as error:
            raise InvalidDefinition(f"cost table: missing or malformed field {error!r}") from error
        _check(table)
        return table


def _components(data: dict[str, Any] | None) -> Components | None:
    if data is None:
        return None
    shared = {name: tuple(Decimal(v) for v in data["shared"][name]) for name in SHARED_COSTS}
    persons = {
        kind: PersonCosts(
            {k: Decimal(v) for k, v in data[kind]["costs"].items()},
            Decimal(data[kind]["tax_credits"]),
        )
        for kind in PERSON_KINDS
    }
    return Components(shared, persons)


def _check(table: CostTable) -> None:
    name = f"{table.id} {table.version}"
    kinds = [(r.adults, r.preschool_children, r.school_age_children) for r in table.households]
    if len(set(kinds)) != len(kinds):
        raise InvalidDefinition(f"{name}: a household type repeats")
    amounts = [v for r in table.households for v in [*r.costs.values(), r.tax_credits]]
    if table.components is not None:
        c = table.components
        if any(not by_size for by_size in c.shared.values()):
            raise InvalidDefinition(f"{name}: a shared cost needs an amount for one person")
        amounts += [v for by_size in c.shared.values() for v in by_size]
        amounts += [v for p in c.persons.values() for v in [*p.costs.values(), p.tax_credits]]
    if any(v < 0 for v in amounts):
        raise InvalidDefinition(f"{name}: costs are never negative")
    if any(f <= 0 for f in table.housing_factors.values()):
        raise InvalidDefinition(f"{name}: a housing factor is positive")
    if table.hours_per_month <= 0:
        raise InvalidDefinition(f"{name}: hours per month are positive")


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
