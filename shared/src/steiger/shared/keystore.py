"""Where a service keeps its participants' data keys (wrapped), and the participant service
its identifier index.

Two adapters with one interface: a SQLite file of its own beside the event store (rollback
journal and `secure_delete`, so a destroyed key leaves no copy in a write-ahead log or in
free pages), or two tables in the service's PostgreSQL schema (rewritten by VACUUM FULL
after a destruction, so no dead tuple keeps the key). PostgreSQL's own WAL and backups keep
old pages for their retention period: rotate them within the erasure deadline.

A destroyed key leaves a tombstone (the participant's row without a key): a late write
about an erased participant finds it, and is refused, rather than making a new key whose
texts would be readable again.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol
from uuid import UUID


class KeyStore(Protocol):
    def reserve(
        self, participant_id: UUID, wrapped_key: bytes, identifiers: Mapping[str, str]
    ) -> tuple[str, UUID] | None:
        """Stores the key and claims the identifiers (kind -> digest) in one transaction;
        if one is taken, stores nothing and returns (kind, holder)."""

    def rebind(self, participant_id: UUID, kind: str, digest: str | None) -> UUID | None:
        """The participant's identifier of `kind` becomes `digest` (None: they have none),
        releasing the one they had, in one transaction; if another participant holds
        `digest`, changes nothing and returns that holder (a rectified BSN)."""

    def get_key(self, participant_id: UUID) -> bytes | None:
        """The wrapped key; None when there is none, or it was destroyed."""

    def provide(self, participant_id: UUID, wrapped_key: bytes) -> bytes | None:
        """The participant's wrapped key: the one stored, else `wrapped_key`, stored now
        (whoever stores first wins); None once the key was destroyed."""

    def destroyed(self, participant_id: UUID) -> bool: ...

    def destroy(self, participant_id: UUID) -> None:
        """Destroys the participant's data key and claims, leaving no readable copy, and
        leaves the tombstone."""

    def close(self) -> None: ...


_TABLES = (
    "CREATE TABLE IF NOT EXISTS participant_keys ("
    " participant_id TEXT PRIMARY KEY, wrapped_key {blob})",
    "CREATE TABLE IF NOT EXISTS participant_identifiers ("
    " kind TEXT NOT NULL, digest TEXT NOT NULL, participant_id TEXT NOT NULL,"
    " PRIMARY KEY (kind, digest))",
)


class SQLiteKeyStore:
    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=DELETE")
        self._db.execute("PRAGMA secure_delete=ON")
        self._db.execute("PRAGMA busy_timeout=10000")
        for statement in _TABLES:
            self._db.execute(statement.format(blob="BLOB"))

    def reserve(
        self, participant_id: UUID, wrapped_key: bytes, identifiers: Mapping[str, str]
    ) -> tuple[str, UUID] | None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for kind, digest in identifiers.items():
                    row = self._db.execute(
                        "SELECT participant_id FROM participant_identifiers"
                        " WHERE kind = ? AND digest = ?",
                        (kind, digest),
                    ).fetchone()
                    if row:
                        self._db.execute("ROLLBACK")
                        return kind, UUID(row[0])
                    self._db.execute(
                        "INSERT INTO participant_identifiers VALUES (?, ?, ?)",
                        (kind, digest, str(participant_id)),
                    )
                self._db.execute(
                    "INSERT INTO participant_keys VALUES (?, ?)",
                    (str(participant_id), wrapped_key),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return None

    def rebind(self, participant_id: UUID, kind: str, digest: str | None) -> UUID | None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                if digest is not None:
                    row = self._db.execute(
                        "SELECT participant_id FROM participant_identifiers"
                        " WHERE kind = ? AND digest = ?",
                        (kind, digest),
                    ).fetchone()
                    if row and row[0] != str(participant_id):
                        self._db.execute("ROLLBACK")
                        return UUID(row[0])
                self._db.execute(
                    "DELETE FROM participant_identifiers WHERE participant_id = ? AND kind = ?",
                    (str(participant_id), kind),
                )
                if digest is not None:
                    self._db.execute(
                        "INSERT INTO participant_identifiers VALUES (?, ?, ?)",
                        (kind, digest, str(participant_id)),
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return None

    def get_key(self, participant_id: UUID) -> bytes | None:
        row = self._row(participant_id)
        return row[0] if row else None

    def _row(self, participant_id: UUID) -> tuple[bytes | None] | None:
        with self._lock:
            row: tuple[bytes | None] | None = self._db.execute(
                "SELECT wrapped_key FROM participant_keys WHERE participant_id = ?",
                (str(participant_id),),
            ).fetchone()
        return row

    def provide(self, participant_id: UUID, wrapped_key: bytes) -> bytes | None:
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO participant_keys VALUES (?, ?)",
                (str(participant_id), wrapped_key),
            )
        row = self._row(participant_id)
        return row[0] if row else None

    def destroyed(self, participant_id: UUID) -> bool:
        row = self._row(participant_id)
        return row is not None and row[0] is None

    def destroy(self, participant_id: UUID) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            for table in ("participant_keys", "participant_identifiers"):
                self._db.execute(
                    f"DELETE FROM {table} WHERE participant_id = ?", (str(participant_id),)
                )
            self._db.execute(
                "INSERT INTO participant_keys VALUES (?, NULL)", (str(participant_id),)
            )
            self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()


class _Taken(Exception):
    def __init__(self, kind: str, holder: UUID) -> None:
        self.kind, self.holder = kind, holder


class PostgresKeyStore:
    def __init__(self, env: Mapping[str, str]) -> None:
        from psycopg_pool import ConnectionPool

        self._schema = env["POSTGRES_SCHEMA"]
        conninfo = (
            f"dbname={env['POSTGRES_DBNAME']} host={env['POSTGRES_HOST']}"
            f" port={env['POSTGRES_PORT']} user={env['POSTGRES_USER']}"
        )
        self._pool = ConnectionPool(
            conninfo,
            kwargs={
                "password": env.get("POSTGRES_PASSWORD") or None,
                "autocommit": True,
                "options": f"-c search_path={self._schema}",
            },
            min_size=1,
            max_size=4,
            open=True,
        )
        with self._pool.connection() as db:
            for statement in _TABLES:
                db.execute(statement.format(blob="BYTEA"))

    def reserve(
        self, participant_id: UUID, wrapped_key: bytes, identifiers: Mapping[str, str]
    ) -> tuple[str, UUID] | None:
        try:
            with self._pool.connection() as db, db.transaction():
                for kind, digest in identifiers.items():
                    row = db.execute(
                        "INSERT INTO participant_identifiers VALUES (%s, %s, %s)"
                        " ON CONFLICT DO NOTHING RETURNING participant_id",
                        (kind, digest, str(participant_id)),
                    ).fetchone()
                    if row is None:
                        taken = db.execute(
                            "SELECT participant_id FROM participant_identifiers"
                            " WHERE kind = %s AND digest = %s",
                            (kind, digest),
                        ).fetchone()
                        assert taken is not None  # the insert met this very row
                        raise _Taken(kind, UUID(taken[0]))
                db.execute(
                    "INSERT INTO participant_keys VALUES (%s, %s)",
                    (str(participant_id), wrapped_key),
                )
        except _Taken as taken:
            return taken.kind, taken.holder
        return None

    def rebind(self, participant_id: UUID, kind: str, digest: str | None) -> UUID | None:
        with self._pool.connection() as db, db.transaction():
            db.execute("LOCK TABLE participant_identifiers IN SHARE ROW EXCLUSIVE MODE")
            if digest is not None:
                row = db.execute(
                    "SELECT participant_id FROM participant_identifiers"
                    " WHERE kind = %s AND digest = %s",
                    (kind, digest),
                ).fetchone()
                if row and row[0] != str(participant_id):
                    return UUID(row[0])
            db.execute(
                "DELETE FROM participant_identifiers WHERE participant_id = %s AND kind = %s",
                (str(participant_id), kind),
            )
            if digest is not None:
                db.execute(
                    "INSERT INTO participant_identifiers VALUES (%s, %s, %s)",
                    (kind, digest, str(participant_id)),
                )
        return None

    def get_key(self, participant_id: UUID) -> bytes | None:
        row = self._row(participant_id)
        return bytes(row[0]) if row and row[0] is not None else None

    def _row(self, participant_id: UUID) -> tuple[bytes | None] | None:
        with self._pool.connection() as db:
            row: tuple[bytes | None] | None = db.execute(
                "SELECT wrapped_key FROM participant_keys WHERE participant_id = %s",
                (str(participant_id),),
            ).fetchone()
        return row

    def provide(self, participant_id: UUID, wrapped_key: bytes) -> bytes | None:
        with self._pool.connection() as db:
            db.execute(
                "INSERT INTO participant_keys VALUES (%s, %s) ON CONFLICT DO NOTHING",
                (str(participant_id), wrapped_key),
            )
        return self.get_key(participant_id)

    def destroyed(self, participant_id: UUID) -> bool:
        row = self._row(participant_id)
        return row is not None and row[0] is None

    def destroy(self, participant_id: UUID) -> None:
        with self._pool.connection() as db:
            with db.transaction():
                for table in ("participant_keys", "participant_identifiers"):
                    db.execute(
                        f"DELETE FROM {table} WHERE participant_id = %s", (str(participant_id),)
                    )
                db.execute("INSERT INTO participant_keys VALUES (%s, NULL)", (str(participant_id),))
            for table in ("participant_keys", "participant_identifiers"):
                db.execute(f"VACUUM FULL {table}")

    def close(self) -> None:
        self._pool.close()


def open_key_store(env: Mapping[str, str]) -> KeyStore:
    """The key store beside the event store that `env` configures (in memory beside an
    in-memory store, for unit tests)."""
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        return PostgresKeyStore(env)
    if "SQLITE_DBNAME" not in env or env["SQLITE_DBNAME"].startswith((":memory:", "file:")):
        return SQLiteKeyStore(Path(":memory:"))
    path = Path(env["SQLITE_DBNAME"])
    return SQLiteKeyStore(path.with_name(path.stem + "-keys.sqlite"))
