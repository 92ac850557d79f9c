"""Bridge definitions: versioned data (columns, each a ladder of steps with points)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from steiger.bridge.domain.errors import InvalidDefinition, UnknownPosition
from steiger.shared.contracts.bridge import OUTCOME_FACTS


@dataclass(frozen=True)
class Step:
    step: int
    points: int
    nl: str
    en: str


@dataclass(frozen=True)
class Column:
    id: str
    name: dict[str, str]
    steps: tuple[Step, ...]
    pillar: str | None = None
    """The pillar this column belongs to (EMPath: e.g. family-stability); None: its own."""

    def step(self, number: int) -> Step:
        for step in self.steps:
            if step.step == number:
                return step
        raise UnknownPosition(f"column {self.id!r} has no step {number}", field="step")


@dataclass(frozen=True)
class BridgeDefinition:
    id: str
    version: str
    name: dict[str, str]
    columns: tuple[Column, ...]
    pillars: dict[str, dict[str, str]] = field(default_factory=dict)
    derives: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Outcome facts that follow from a step: fact -> (column, from this step on it holds)."""

    def derived_outcomes(self, steps: dict[str, int]) -> dict[str, bool]:
        """The outcome facts these steps tell (of the columns assessed)."""
        return {
            fact: steps[column] >= from_step
            for fact, (column, from_step) in self.derives.items()
            if column in steps
        }

    def pillar_of(self, column_id: str) -> str:
        return self.column(column_id).pillar or column_id

    def column(self, column_id: str) -> Column:
        for column in self.columns:
            if column.id == column_id:
                return column
        raise UnknownPosition(
            f"{self.id} {self.version} has no column {column_id!r}", field="column"
        )

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> BridgeDefinition:
        try:
            columns = tuple(
                Column(c["id"], c["name"], tuple(Step(**s) for s in c["steps"]), c.get("pillar"))
                for c in data["columns"]
            )
            derives = {
                fact: (rule["column"], int(rule["from_step"]))
                for fact, rule in data.get("outcomes", {}).items()
            }
            definition = cls(
                data["id"], data["version"], data["name"], columns, data.get("pillars", {}),
                derives,
            )  # fmt: skip
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidDefinition(f"missing or unexpected field: {error}") from error
        definition.validate()
        return definition

    def validate(self) -> None:
        ids = [column.id for column in self.columns]
        if len(set(ids)) != len(ids):
            raise InvalidDefinition(f"{self.id}: column ids are not unique")
        for column in self.columns:
            if self.pillars and column.pillar not in self.pillars:
                raise InvalidDefinition(f"{self.id}/{column.id}: pillar {column.pillar!r} unknown")
            numbers = [step.step for step in column.steps]
            if numbers != list(range(1, len(numbers) + 1)):
                raise InvalidDefinition(f"{self.id}/{column.id}: steps must run 1..n in order")
            points = [step.points for step in column.steps]
            if points != sorted(points):
                raise InvalidDefinition(
                    f"{self.id}/{column.id}: points must not fall as steps rise"
                )
        for fact, (column_id, from_step) in self.derives.items():
            if fact not in OUTCOME_FACTS:
                raise InvalidDefinition(f"{self.id}: {fact!r} is no outcome fact")
            steps = len(next((c.steps for c in self.columns if c.id == column_id), ()))
            if not 1 <= from_step <= steps:
                raise InvalidDefinition(
                    f"{self.id}: {fact} refers to no step {from_step} of {column_id!r}"
                )
