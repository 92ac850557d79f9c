"""The audit trail's chain: an entry changed, one removed, or one added without the key is
found; an intact trail verifies (SQLite here; the PostgreSQL variant in tests/integration)."""

from __future__ import annotations

import asyncio
import sqlite3

from steiger.shared.audit import AuditEntry, AuditTrail, SqliteAuditStore, chained, verify

KEY = b"k" * 32


def entry(n: int, participant: str | None = "p-1") -> AuditEntry:
    return AuditEntry(
        at=f"2026-11-28T10:00:{n:02d}+00:00", service="bridge", operation="GET /x", status=200,
        outcome="admitted", subject="mentor-1", roles=("mentor",), participant_id=participant,
    )  # fmt: skip


def filled(tmp_path, count: int = 5) -> SqliteAuditStore:
    store = SqliteAuditStore(tmp_path / "bridge-audit.sqlite")
    trail = AuditTrail(store, KEY, "bridge")

    async def record_all() -> None:  # side by side, as requests come: group commits
        await asyncio.gather(*(trail.record(entry(n)) for n in range(count)))

    asyncio.run(record_all())
    return store


def test_an_intact_trail_verifies_and_is_read_per_participant(tmp_path):
    store = filled(tmp_path)
    store.append([("p-2", entry(9, participant="p-2").canonical())], KEY)
    assert verify(store, KEY) == (6, [])
    trail = AuditTrail(store, KEY, "bridge")
    assert [e["participant_id"] for e in trail.of("p-2")] == ["p-2"]
    assert len(trail.of("p-1")) == 5


def test_a_changed_entry_is_found(tmp_path):
    store = filled(tmp_path)
    with sqlite3.connect(tmp_path / "bridge-audit.sqlite") as db:
        db.execute("UPDATE audit_trail SET entry = replace(entry, 'mentor-1', 'someone') "
                   "WHERE position = 3")  # fmt: skip
    count, breaks = verify(store, KEY)
    assert count == 5 and [b.position for b in breaks] == [3]


def test_a_removed_entry_is_found(tmp_path):
    store = filled(tmp_path)
    with sqlite3.connect(tmp_path / "bridge-audit.sqlite") as db:
        db.execute("DELETE FROM audit_trail WHERE position = 2")
    _, breaks = verify(store, KEY)
    assert [b.position for b in breaks] == [2, 3]
    assert "missing" in breaks[0].why


def test_an_entry_added_or_rechained_without_the_key_is_found(tmp_path):
    store = filled(tmp_path)
    forged = entry(7, participant="p-9").canonical()
    with sqlite3.connect(tmp_path / "bridge-audit.sqlite") as db:
        last = db.execute("SELECT chain FROM audit_trail WHERE position = 5").fetchone()[0]
        db.execute(
            "INSERT INTO audit_trail VALUES (6, 'p-9', ?, ?)",
            (forged.decode(), chained(b"not the key" * 3, last, forged)),
        )
    assert [b.position for b in verify(store, KEY)[1]] == [6]
