"""What a goal, an action or a group may refer to: a column and step of a Bridge definition,
a reward item of the menu (`steiger.shared.reference.Vocabulary` holds both)."""

from __future__ import annotations

from typing import Protocol

from steiger.planning.domain.errors import UnknownReference


class Vocabulary(Protocol):
    @property
    def steps(self) -> dict[tuple[str, str], dict[str, int]]: ...
    @property
    def action_items(self) -> frozenset[str]: ...


def check_bridge_step(
    vocabulary: Vocabulary,
    definition_id: str | None,
    definition_version: str | None,
    column: str | None,
    target_step: int | None,
) -> None:
    if column is None:
        if target_step is not None:
            raise UnknownReference("a target step needs a Bridge column", field="target_step")
        return
    columns = vocabulary.steps.get((definition_id or "", definition_version or ""))
    if columns is None:
        raise UnknownReference(
            f"no Bridge definition {definition_id} {definition_version}",
            field="definition_version",
        )
    if column not in columns:
        raise UnknownReference(
            f"{definition_id} {definition_version} has no column {column!r}; it has "
            + ", ".join(columns),
            field="column",
        )
    if target_step is not None and not 1 <= target_step <= columns[column]:
        raise UnknownReference(f"{column} has steps 1 to {columns[column]}", field="target_step")


def check_column(vocabulary: Vocabulary, column: str | None) -> None:
    """A column of any definition (a group gathers people working on one)."""
    known = {c for columns in vocabulary.steps.values() for c in columns}
    if column is not None and column not in known:
        raise UnknownReference(f"no Bridge has a column {column!r}", field="column")


def check_reward_item(vocabulary: Vocabulary, item: str | None) -> None:
    if item is not None and item not in vocabulary.action_items:
        raise UnknownReference(
            f"the rewards menu has no item {item!r} for a completed action", field="reward_item"
        )
