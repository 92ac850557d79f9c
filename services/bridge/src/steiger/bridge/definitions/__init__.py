"""Shipped Bridge definitions (JSON, one file per definition version)."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

from steiger.bridge.domain.definition import BridgeDefinition


def load_definitions(extra_dir: Path | None = None) -> dict[tuple[str, str], BridgeDefinition]:
    """The shipped definitions plus an organisation's own (files in `extra_dir`)."""
    sources = [p for p in files(__package__).iterdir() if p.name.endswith(".json")]
    if extra_dir is not None:
        sources += sorted(Path(extra_dir).glob("*.json"))
    definitions = {}
    for source in sources:
        definition = BridgeDefinition.from_data(json.loads(source.read_text(encoding="utf-8")))
        definitions[(definition.id, definition.version)] = definition
    return definitions
