"""Domain events mapped to the contracts a service publishes, as a table: per domain event
class, the contract it becomes and where each contract field comes from.

A field the domain event has under the same name is copied; any other is named in the
table, as the event field it comes from or as a function of the event. The table is checked
when it is made, so a contract field without a source (a field added to a contract, an
event field renamed) fails at import, not on the first event in production. What a
contract must never carry (names, contact details, case texts) is kept out by the contracts
themselves (see tests/contract)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from steiger.shared.contracts.base import IntegrationEvent

Source = str | Callable[[Any], Any]
"""An event field's name, or a function of the event."""


class To:
    """The contract a domain event becomes, and the sources of the fields it does not
    share by name with the event."""

    def __init__(self, contract: type[IntegrationEvent], **sources: Source) -> None:
        self.contract = contract
        self.sources = sources

    def fields_of(self, event_class: type) -> dict[str, Callable[[Any], Any]]:
        """Per contract field, how to read it from an event of `event_class`."""
        event_fields = {f.name for f in dataclasses.fields(event_class)}
        readers: dict[str, Callable[[Any], Any]] = {}
        for name in self.contract.model_fields:
            source = self.sources.get(name, name)
            if callable(source):
                readers[name] = source
            elif source in event_fields:
                readers[name] = _attribute(source)
            else:
                raise TypeError(
                    f"{event_class.__qualname__} -> {self.contract.__name__}: "
                    f"no source for {name!r} (the event has {sorted(event_fields)})"
                )
        unknown = set(self.sources) - set(self.contract.model_fields)
        if unknown:
            raise TypeError(f"{self.contract.__name__} has no field {sorted(unknown)}")
        return readers


def _attribute(name: str) -> Callable[[Any], Any]:
    return lambda event: getattr(event, name)


class Translator:
    """`translator(event)`: the contract of a domain event, or None for an event that
    stays inside the service."""

    def __init__(self, table: Mapping[type, To]) -> None:
        self._table = {
            event_class: (to.contract, to.fields_of(event_class))
            for event_class, to in table.items()
        }

    def __call__(self, event: object) -> IntegrationEvent | None:
        found = self._table.get(type(event))
        if found is None:
            return None
        contract, readers = found
        return contract(**{name: read(event) for name, read in readers.items()})
