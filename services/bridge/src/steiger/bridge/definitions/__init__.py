"""The Bridge definitions this service interprets: shipped with Steiger's reference data
(steiger.shared.reference) and an organisation's own."""

from __future__ import annotations

from pathlib import Path

from steiger.bridge.domain.definition import BridgeDefinition
from steiger.shared import reference


def load_definitions(extra_dir: Path | None = None) -> dict[tuple[str, str], BridgeDefinition]:
    """The shipped definitions plus an organisation's own (files in `extra_dir`)."""
    definitions = {}
    for data in reference.bridge_definitions(extra_dir):
        definition = BridgeDefinition.from_data(data)
        definitions[(definition.id, definition.version)] = definition
    return definitions
