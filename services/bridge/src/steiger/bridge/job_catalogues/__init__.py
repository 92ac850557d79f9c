"""Shipped regional job catalogues (JSON, one file per version)."""

from __future__ import annotations

from pathlib import Path

from steiger.bridge.domain.jobs import JobCatalogue
from steiger.bridge.versioned_data import load_versioned


def load_job_catalogues(extra_dir: Path | None = None) -> dict[tuple[str, str], JobCatalogue]:
    """Ours, then the organisation's own (files in `extra_dir`)."""
    return load_versioned(__package__, extra_dir, JobCatalogue.from_data)
