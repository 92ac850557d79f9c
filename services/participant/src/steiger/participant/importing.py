"""Bulk import from an organisation's existing system: CSV or JSON lines, row by row.

Each row is validated like an API registration and registered on its own (all or nothing
per row). A row whose external id is already registered counts as already present, so
running the same file again creates no duplicates. Every refused row is reported with its
line number and the reason.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from steiger.participant.application import ParticipantApplication
from steiger.participant.domain.errors import DuplicateParticipant, ParticipantError
from steiger.participant.schemas import RegistrationIn
from steiger.shared.spreadsheets import separator

ADDRESS = ("street", "house_number", "postcode", "city")
HOUSEHOLD = ("adults", "preschool_children", "school_age_children")


class UnsupportedImport(Exception):
    """Unsupported media type"""


class UnreadableRow(ValueError):
    """A line that is not a row: reported as refused, and the import goes on."""


@dataclass
class ImportReport:
    encoding: str = "utf-8"
    rows: int = 0
    created: int = 0
    already_present: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)


def csv_rows(text: str, first_line: int = 1) -> Iterator[tuple[int, Any]]:
    """Rows as the API's shape: flat address and household columns are nested, empty cells
    are absent. Separated by commas, or by semicolons as a Dutch Excel writes. A line the
    CSV reader cannot read (a field over its limit) is an error for that line."""
    reader = csv.DictReader(io.StringIO(text), delimiter=separator(text.partition("\n")[0]))
    line = first_line + 1  # after the header
    while True:
        try:
            raw = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield line, UnreadableRow(f"not readable as CSV: {error}")
            line = first_line + reader.line_num
            continue
        row: dict[str, Any] = {k: v for k, v in raw.items() if k and v not in (None, "")}
        if any(k in row for k in ADDRESS):
            row["address"] = {k: row.pop(k) for k in ADDRESS if k in row}
        row["household"] = {k: row.pop(k) for k in HOUSEHOLD if k in row}
        yield line, row
        line = first_line + reader.line_num


def json_lines(text: str, first_line: int = 1) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(text.splitlines(), start=first_line):
        if line.strip():
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as error:
                yield number, UnreadableRow(f"not JSON: {error}")


def import_rows(
    app: ParticipantApplication, rows: Iterator[tuple[int, Any]], report: ImportReport
) -> ImportReport:
    for line, row in rows:
        report.rows += 1
        if isinstance(row, UnreadableRow):
            report.rejected.append({"line": line, "reason": str(row)})
            continue
        try:
            registration = RegistrationIn.model_validate(row)
        except ValidationError as invalid:
            reasons = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in invalid.errors()
            )
            report.rejected.append({"line": line, "reason": reasons})
            continue
        try:
            app.register(registration.personal_data(), **registration.intake())
        except DuplicateParticipant as duplicate:
            if duplicate.on == "external_id":
                report.already_present += 1
            else:
                report.rejected.append({"line": line, "reason": str(duplicate)})
            continue
        except ParticipantError as refused:
            report.rejected.append({"line": line, "reason": str(refused)})
            continue
        report.created += 1
    return report
