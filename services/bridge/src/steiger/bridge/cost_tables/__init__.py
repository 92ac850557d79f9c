"""Shipped cost tables of the Economic Independence Index (JSON, one file per version)."""

from __future__ import annotations

import json
from importlib.resources import files

from steiger.bridge.domain.eix import CostTable


def load_cost_tables() -> dict[tuple[str, str], CostTable]:
    tables = [
        CostTable.from_data(json.loads(f.read_text(encoding="utf-8")))
        for f in files(__package__).iterdir()
        if f.name.endswith(".json")
    ]
    return {(t.id, t.version): t for t in tables}
