"""Private copies of cached aggregates.

The repository keeps recently used aggregates in memory and hands each command (and each
incoming event) a copy, so a change that is never saved leaves the cached one untouched.
`copy.deepcopy` makes that copy in pure Python with a memo of every object; under load it
was half of the notifications service's time and a fifth of reporting's.

Our aggregates hold plain data: dicts and lists of values that never change in place
(strings, numbers, decimals, dates, UUIDs), dataclasses, tuples. `private_copy` copies the
containers and shares the values, and shares a frozen dataclass that holds values only
(notifications' contact window): about five times faster than `copy.deepcopy`, twice as
fast as pickling (docs/benchmarks.md, "Measurements behind the code").

A class that defines `__deepcopy__` is copied by it: a Bridge record's positions and
notifications' records return themselves, reporting's progress copies its dicts and lists
and shares the entries in them (none of them is ever changed in place). Anything else is
deep-copied as before.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import enum
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

VALUES: frozenset[type] = frozenset(
    {str, int, float, bool, type(None), bytes, Decimal, UUID, dt.date, dt.datetime, dt.time}
    | {dt.timedelta, dt.timezone}
)
"""Types whose instances never change: shared between the original and the copy."""


def private_copy(value: Any) -> Any:
    kind = type(value)
    if kind in VALUES:
        return value
    if kind is dict:
        return {k: v if type(v) in VALUES else private_copy(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in VALUES else private_copy(v) for v in value]
    if "__deepcopy__" in kind.__dict__:  # it knows how it is copied (e.g. not at all)
        return value.__deepcopy__({})
    if _is_frozen_dataclass(kind):  # e.g. notifications' contact window
        return value if _holds_only_values(value) else copy.deepcopy(value)
    if kind is tuple or kind is frozenset:
        return kind(private_copy(v) for v in value)
    if kind is set:
        return {private_copy(v) for v in value}
    if isinstance(value, (enum.Enum, type)):
        return value
    if isinstance(value, Aggregate) or (
        dataclasses.is_dataclass(value) and hasattr(value, "__dict__")
    ):
        twin = object.__new__(kind)
        twin.__dict__.update(private_copy(value.__dict__))
        return twin
    return copy.deepcopy(value)


_FROZEN: dict[type, bool] = {}


def _is_frozen_dataclass(kind: type) -> bool:
    """Remembered per class (a dict lookup: this is asked for every item of every list)."""
    frozen = _FROZEN.get(kind)
    if frozen is None:
        params = getattr(kind, "__dataclass_params__", None)
        frozen = _FROZEN[kind] = bool(dataclasses.is_dataclass(kind) and params and params.frozen)
    return frozen


def _holds_only_values(record: Any) -> bool:
    """Whether a frozen dataclass holds values only. Its attributes are read from `__dict__`
    where it has one, and their types compared as a set: this is asked for each of a Bridge
    record's positions, and the plainer ways (`dataclasses.fields()`, a test per attribute)
    took three times as long (docs/benchmarks.md, "Measurements behind the code")."""
    if hasattr(record, "__dict__"):
        attributes: Any = record.__dict__.values()
    else:
        attributes = [getattr(record, f.name) for f in dataclasses.fields(record)]
    kinds = set(map(type, attributes))
    return kinds <= VALUES or all(k in VALUES or issubclass(k, enum.Enum) for k in kinds)
