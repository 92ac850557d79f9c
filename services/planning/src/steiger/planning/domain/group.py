"""Groups (about 20-25 participants) and affinity groups (4-8) that work on goals together."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from steiger.planning.domain.errors import InvalidChange

SIZES = {"group": (20, 25), "affinity": (4, 8)}


class Group(Aggregate):
    if TYPE_CHECKING:  # made by the @event decorators below (dynamic: typed Any)
        Formed: ClassVar[type[Any]]
        Joined: ClassVar[type[Any]]
        Left: ClassVar[type[Any]]

    @event("Formed")
    def __init__(self, name: str, kind: str, column: str | None) -> None:
        if kind not in SIZES:
            raise InvalidChange(f"a group is one of {sorted(SIZES)}", field="kind")
        self.name, self.kind, self.column = name, kind, column
        self.members: list[UUID] = []

    @property
    def capacity(self) -> int:
        return SIZES[self.kind][1]

    def join(self, participant_id: UUID) -> None:
        if participant_id in self.members:
            raise InvalidChange("already a member", field="participant_id")
        if len(self.members) >= self.capacity:
            raise InvalidChange(f"a {self.kind} group has at most {self.capacity} members")
        self._joined(participant_id)

    @event("Joined")
    def _joined(self, participant_id: UUID) -> None:
        self.members.append(participant_id)

    def leave(self, participant_id: UUID) -> None:
        if participant_id not in self.members:
            raise InvalidChange("not a member", field="participant_id")
        self._left(participant_id)

    @event("Left")
    def _left(self, participant_id: UUID) -> None:
        self.members.remove(participant_id)


def suggest(
    working_on: dict[tuple[str, int | None], set[UUID]], kind: str
) -> list[dict[str, object]]:
    """Participants with similar active goals (same column and target step), cut into groups
    of the kind's size; a set too small for one group is not suggested."""
    smallest, largest = SIZES[kind]
    suggestions: list[dict[str, object]] = []
    for (column, step), participants in sorted(working_on.items(), key=lambda i: str(i[0])):
        members = sorted(participants, key=str)
        if len(members) < smallest:
            continue
        count = -(-len(members) // largest)  # as few groups as the maximum size allows
        size = -(-len(members) // count)
        for start in range(0, len(members), size):
            chunk = members[start : start + size]
            if len(chunk) >= smallest:
                suggestions.append({"column": column, "target_step": step, "members": chunk})
    return suggestions
