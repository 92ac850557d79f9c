"""`steiger import participants FILE`: sends a CSV or JSON-lines file to the participant
service in chunks, with a progress bar, and prints the rows it refused."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from rich.progress import Progress

from steiger.cli.credentials import bearer
from steiger.shared.access import Role
from steiger.shared.spreadsheets import decode_text, separator


def read_text(path: Path) -> str:
    """The file's text in UTF-8 or, as Excel saves it on Windows, in Windows-1252."""
    return decode_text(path.read_bytes())[0]


def csv_chunks(path: Path, size: int) -> Iterator[tuple[int, int, str]]:
    """(line of the chunk's header, rows, CSV text with the header repeated) per chunk,
    separated by commas whatever the file used (a Dutch Excel writes semicolons)."""
    text = read_text(path)
    with io.StringIO(text, newline="") as file:
        reader = csv.reader(file, delimiter=separator(text.partition("\n")[0]))
        header = next(reader)
        chunk: list[list[str]] = []
        starts = 1  # the line the chunk's first row starts on, minus one
        previous_end = reader.line_num
        for row in reader:
            if not chunk:
                starts = previous_end
            chunk.append(row)
            previous_end = reader.line_num
            if len(chunk) == size:
                yield starts, len(chunk), _csv([header, *chunk])
                chunk = []
        if chunk:
            yield starts, len(chunk), _csv([header, *chunk])


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def json_line_chunks(path: Path, size: int) -> Iterator[tuple[int, int, str]]:
    lines = read_text(path).splitlines()
    for start in range(0, len(lines), size):
        chunk = lines[start : start + size]
        yield start + 1, sum(1 for line in chunk if line.strip()), "\n".join(chunk)


def import_file(path: Path, url: str, chunk_size: int, progress: Progress) -> dict[str, Any]:
    is_csv = path.suffix.lower() == ".csv"
    media_type = "text/csv" if is_csv else "application/x-ndjson"
    chunks = csv_chunks(path, chunk_size) if is_csv else json_line_chunks(path, chunk_size)
    total: dict[str, Any] = {"rows": 0, "created": 0, "already_present": 0, "rejected": []}
    with httpx.Client(base_url=url, timeout=300, headers=bearer(Role.ADMINISTRATOR)) as http:
        task = progress.add_task(f"importing {path.name}", total=_count_rows(path, is_csv))
        for first_line, rows, body in chunks:
            response = http.post(
                "/participants/import",
                content=body.encode(),
                headers={"content-type": media_type},
                params={"first_line": first_line},
            )
            response.raise_for_status()
            report = response.json()
            for key in ("rows", "created", "already_present"):
                total[key] += report[key]
            total["rejected"].extend(report["rejected"])
            progress.advance(task, rows)
    return total


def _count_rows(path: Path, is_csv: bool) -> int:
    text = read_text(path)
    if is_csv:
        with io.StringIO(text, newline="") as file:
            reader = csv.reader(file, delimiter=separator(text.partition("\n")[0]))
            return max(0, sum(1 for _ in reader) - 1)
    return sum(1 for line in text.splitlines() if line.strip())
