"""The audit trail on both stores it is kept in: SQLite beside the embedded store, and a
table in the service's PostgreSQL schema (a real server): entries committed by the writer
thread, read per participant, and a changed entry found by `verify`."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from steiger.shared.audit import AuditEntry, AuditTrail, open_audit_store, verify
from steiger.shared.eventstore import environment_of
from steiger.shared.eventstore.configuration import connect_postgres

KEY = b"k" * 32


@pytest.fixture(params=["sqlite", "postgres"])
def environment(request, tmp_path) -> Iterator[dict[str, str]]:
    if request.param == "sqlite":
        yield environment_of("bridge", tmp_path, None)
        return
    env = environment_of("bridge", tmp_path, request.getfixturevalue("postgres_dsn"))
    env["POSTGRES_SCHEMA"] = f"steiger_audit_{os.urandom(4).hex()}"
    yield env
    with connect_postgres(env) as connection:
        connection.execute(f'DROP SCHEMA IF EXISTS "{env["POSTGRES_SCHEMA"]}" CASCADE')


def entry(n: int, participant: str) -> AuditEntry:
    return AuditEntry(
        at=f"2026-11-28T10:00:{n:02d}+00:00", service="bridge", operation="GET /x",
        status=200, outcome="admitted", subject=f"mentor-{n % 3}", roles=("mentor",),
        participant_id=participant,
    )  # fmt: skip


def change_entry(environment: dict[str, str], position: int) -> None:
    """What someone with access to the database, but not to the key, might do."""
    statement = "UPDATE {table} SET entry = replace(entry, 'mentor-', 'someone-') WHERE position = "
    if "SQLITE_DBNAME" in environment:
        path = Path(environment["SQLITE_DBNAME"]).with_name("bridge-audit.sqlite")
        with sqlite3.connect(path) as db:
            db.execute(statement.format(table="audit_trail") + str(position))
    else:
        table = f'"{environment["POSTGRES_SCHEMA"]}".audit_trail'
        with connect_postgres(environment) as connection:
            connection.execute(statement.format(table=table) + str(position))


def test_entries_are_chained_read_per_participant_and_a_change_is_found(environment):
    trail = AuditTrail(open_audit_store(environment), KEY, "bridge")

    async def requests() -> None:  # side by side, as answers go out
        await asyncio.gather(*(trail.record(entry(n, f"p-{n % 2}")) for n in range(20)))

    asyncio.run(requests())
    assert verify(trail.store, KEY) == (20, [])
    mine = trail.of("p-1")
    assert len(mine) == 10 and {e["participant_id"] for e in mine} == {"p-1"}
    assert [e["position"] for e in mine] == sorted(e["position"] for e in mine)

    change_entry(environment, 7)
    count, breaks = verify(trail.store, KEY)
    assert count == 20 and [b.position for b in breaks] == [7]
    trail.close()
