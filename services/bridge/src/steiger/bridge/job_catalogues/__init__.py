"""Shipped regional job catalogues (JSON, one file per version)."""

from __future__ import annotations

import json
from importlib.resources import files

from steiger.bridge.domain.jobs import JobCatalogue


def load_job_catalogues() -> dict[tuple[str, str], JobCatalogue]:
    catalogues = [
        JobCatalogue.from_data(json.loads(f.read_text(encoding="utf-8")))
        for f in files(__package__).iterdir()
        if f.name.endswith(".json")
    ]
    return {(c.id, c.version): c for c in catalogues}
