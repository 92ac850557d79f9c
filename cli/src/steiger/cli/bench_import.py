"""`steiger bench --suite import`: 10,000 participants imported from a CSV through the CLI
into a fresh system on the embedded defaults (target: under a minute)."""

from __future__ import annotations

import csv
import random
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress

from steiger.cli.importer import import_file
from steiger.cli.runtime import System

COLUMNS = [
    "external_id", "name", "birth_year", "phone", "email", "street", "house_number", "postcode",
    "city", "bsn", "municipality", "neighbourhood", "programme", "adults", "preschool_children",
    "school_age_children", "registered_on",
]  # fmt: skip


def valid_bsn(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        check = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if check < 10 and any(digits):
            return "".join(map(str, digits)) + str(check)


def write_export(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    used: set[str] = set()
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        for n in range(rows):
            bsn = valid_bsn(rng)
            while bsn in used:
                bsn = valid_bsn(rng)
            used.add(bsn)
            writer.writerow([
                f"SUITE-{n:06d}", f"Deelnemer {n}", rng.randint(1950, 2005),
                f"+31 6 {rng.randint(10000000, 99999999)}", f"deelnemer{n}@example.nl",
                "Hoofdstraat", str(rng.randint(1, 300)), f"{rng.randint(1000, 9999)} AB",
                "Alphen aan den Rijn", bsn, "Alphen aan den Rijn", "Centrum",
                rng.choice(["debt-help", "re-integration", "young-people"]), rng.randint(1, 2),
                rng.randint(0, 2), rng.randint(0, 3), "2026-10-01",
            ])  # fmt: skip


def bench_import(console: Console, system: System, workdir: Path, rows: int) -> dict[str, Any]:
    export = workdir / "export.csv"
    write_export(export, rows)
    url = system.services["participant"].url
    started = time.monotonic()
    with Progress(console=console, transient=True) as progress:
        report = import_file(export, url, 500, progress)
    seconds = time.monotonic() - started
    with Progress(console=console, transient=True) as progress:
        again = import_file(export, url, 500, progress)
    return {
        "rows": rows,
        "seconds": round(seconds, 1),
        "rows_per_second": round(rows / seconds, 1),
        "created": report["created"],
        "refused": len(report["rejected"]),
        "second_run_created": again["created"],
    }
