"""`steiger retention`: whose retention period after exit has ended, and erasing them (the
participant service does it by itself daily; this is for a privacy officer who wants to see
or do it now). Signed in as the privacy officer; each erasure is recorded with that actor,
and the request is in the audit trail."""

from __future__ import annotations

import httpx
from rich.console import Console
from rich.table import Table

from steiger.cli.credentials import bearer
from steiger.shared.access import Role


class Refused(Exception):
    """The participant service refused."""


def retention(console: Console, url: str, dry_run: bool) -> int:
    """Lists (dry run) or erases; returns how many were listed or erased."""
    headers = bearer(Role.PRIVACY_OFFICER)
    method = "GET" if dry_run else "POST"
    response = httpx.request(method, f"{url}/operations/retention", headers=headers, timeout=600)
    if response.status_code != 200:
        raise Refused(f"participant service: HTTP {response.status_code} {response.text}")
    rows = response.json()
    title = "would be erased" if dry_run else "erased"
    table = Table(title=f"{len(rows)} {title}")
    for column in ("participant", "programme", "exited on", "erase on", "held"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["participant_id"], row["programme"], row["exited_on"], row["erase_on"],
            row["held"] or "",
        )  # fmt: skip
    console.print(table)
    return sum(1 for row in rows if not row["held"]) if not dry_run else len(rows)
