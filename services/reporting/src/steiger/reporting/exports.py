"""Files for researchers and the exchange network: CSV and Parquet, written whole to a
temporary name and then renamed, so a reader never sees half a file."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from steiger.shared.spreadsheets import SafeDictWriter


def _cell(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def write_csv(path: Path, names: Sequence[str], rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".partial")
    with partial.open("w", newline="", encoding="utf-8") as file:
        writer = SafeDictWriter(file, fieldnames=list(names), extrasaction="raise")
        writer.writeheader()
        writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)
    partial.replace(path)
    return path


def _arrow_type(name: str, rows: list[dict[str, Any]]) -> pa.DataType:
    sample = next((row[name] for row in rows if row.get(name) is not None), None)
    if isinstance(sample, Decimal):
        return pa.decimal128(12, 2)
    if isinstance(sample, bool):
        return pa.bool_()
    if isinstance(sample, int):
        return pa.int32()
    if isinstance(sample, float):
        return pa.float64()
    if isinstance(sample, dt.date):
        return pa.date32()
    return pa.string()


def write_parquet(path: Path, names: Sequence[str], rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    schema = pa.schema([(name, _arrow_type(name, rows)) for name in names])
    columns = {name: [row.get(name) for row in rows] for name in names}
    table = pa.Table.from_pydict(columns, schema=schema)
    partial = path.with_suffix(path.suffix + ".partial")
    pq.write_table(table, partial)
    partial.replace(path)
    return path


def write_json(path: Path, document: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".partial")
    partial.write_text(json.dumps(document, default=str, indent=2) + "\n", encoding="utf-8")
    partial.replace(path)
    return path
