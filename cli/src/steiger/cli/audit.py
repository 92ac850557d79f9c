"""`steiger audit verify`: every service's audit trail checked against its chain."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from pydantic import SecretStr
from rich.console import Console
from rich.table import Table

from steiger.shared.audit import opened, verify
from steiger.shared.eventstore import environment_of
from steiger.shared.settings import key_from


def verify_trails(
    console: Console, services: Sequence[str], var_dir: Path, database_url: str | None
) -> int:
    """Says what it found, a row per service; returns the number of breaks."""
    configured = os.environ.get("STEIGER_AUDIT_KEY")
    key = key_from(
        SecretStr(configured) if configured else None,
        "STEIGER_AUDIT_KEY",
        var_dir,
        "audit.key",
        required=bool(database_url),
    )
    table = Table(title="audit trails")
    for column in ("service", "entries", "verdict"):
        table.add_column(column)
    breaks = 0
    for service in services:
        environment = environment_of(service, var_dir, database_url)
        sqlite = environment.get("SQLITE_DBNAME")
        if sqlite and not Path(sqlite).with_name(f"{service}-audit.sqlite").exists():
            table.add_row(service, "0", "no trail here (the service never ran in this directory)")
            continue
        with opened(environment) as store:
            count, found = verify(store, key)
        breaks += len(found)
        verdict = "intact" if not found else "; ".join(f"{b.position}: {b.why}" for b in found)
        table.add_row(service, str(count), verdict if not found else f"[red]{verdict}[/red]")
    console.print(table)
    return breaks
