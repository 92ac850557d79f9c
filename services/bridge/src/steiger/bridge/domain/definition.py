"""Bridge definitions: versioned data (columns, each a ladder of steps with points)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from steiger.bridge.domain.errors import InvalidDefinition, UnknownPosition


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
            definition = cls(
                data["id"], data["version"], data["name"], columns, data.get("pillars", {})
            )
        except (KeyError, TypeError) as error:
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
