"""Shipped cost tables of the Economic Independence Index (JSON, one file per version)."""

from __future__ import annotations

from pathlib import Path

from steiger.bridge.domain.eix import CostTable
from steiger.bridge.versioned_data import load_versioned


def load_cost_tables(extra_dir: Path | None = None) -> dict[tuple[str, str], CostTable]:
    """Ours, then the organisation's own (files in `extra_dir`)."""
    return load_versioned(__package__, extra_dir, CostTable.from_data)
