"""Where a service's event store is: its SQLite file (embedded) or its own schema in a
PostgreSQL database, as eventsourcing's environment."""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from steiger.shared.settings import ServiceSettings, secret_kept_in

MASTER_KEY = "STEIGER_MASTER_KEY"
"""The store environment's entry for the service's master key (base64; see `master_key_of`)."""


def store_environment(settings: ServiceSettings) -> dict[str, str]:
    """The eventsourcing environment for this service's own store, with its master key when
    one is configured (or, on the embedded defaults, kept in the var directory)."""
    env = environment_of(settings.service, settings.var_dir, settings.database_url)
    if settings.master_key is not None or not settings.database_url:
        env[MASTER_KEY] = base64.b64encode(settings.master_key_bytes()).decode()
    return env


def master_key_of(env: Mapping[str, str], service: str, needed: bool) -> bytes:
    """The master key that wraps the participants' data keys: the environment's; else, beside
    a SQLite store, one made once in the store's directory, or a fresh one beside a store in
    memory (unit tests). On PostgreSQL a service that seals case texts (`needed`) must have
    it configured; one that seals none keeps only tombstones, and needs none."""
    if MASTER_KEY in env:
        return base64.b64decode(env[MASTER_KEY])
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        if not needed:
            return os.urandom(32)
        raise ValueError(f"on PostgreSQL, set STEIGER_{service.upper()}_MASTER_KEY")
    dbname = env.get("SQLITE_DBNAME", ":memory:")
    if dbname.startswith((":memory:", "file:")):
        return os.urandom(32)
    path = Path(dbname)
    return secret_kept_in(path.parent, f"{path.stem}-master.key")


CACHED_AGGREGATES = {"notifications": 1_000, "reporting": 1_000, "rewards": 1_000}
"""How many aggregates a service keeps in memory, where 10,000 would hold too much: a
participant's notifications, progress and ledger gather everything of their years (about
34, 32 and 7 KB after a hundred events; docs/benchmarks.md, "Resident memory"), a goal or a
Bridge record stays small. A read past the cache replays the aggregate from the store."""


def environment_of(service: str, var_dir: Path, database_url: str | None) -> dict[str, str]:
    """The store environment of a service by name (for the CLI, which imports no service)."""
    # Aggregates are cached (no replaying long histories). A service's SQLite file has one
    # writer, the service's process, and every write there leaves its aggregates in the cache:
    # a cached aggregate is current, and reading it asks the store nothing. A PostgreSQL schema
    # may be shared by replicas of the service, so there each read fast-forwards the cached
    # aggregate from the store first (AGGREGATE_CACHE_FASTFORWARD=n in the environment turns
    # that off for a deployment that runs one process per service).
    cached = CACHED_AGGREGATES.get(service, 10_000)
    common = {"SINGLE_ROW_TRACKING": "y", "AGGREGATE_CACHE_MAXSIZE": str(cached)}
    if not database_url:
        var_dir.mkdir(parents=True, exist_ok=True)
        path = Path(var_dir) / f"{service}.sqlite"
        return {
            **common,
            "AGGREGATE_CACHE_FASTFORWARD": "n",
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(path),
            "SQLITE_LOCK_TIMEOUT": "10",
        }
    url = urlparse(database_url)
    if url.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"STEIGER_DATABASE_URL must be a postgresql:// URL, not {url.scheme}://")
    return {
        **common,
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": url.path.lstrip("/") or "steiger",
        "POSTGRES_HOST": url.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": unquote(url.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(url.password or ""),
        # One database, one schema per service: each service still owns its store.
        "POSTGRES_SCHEMA": f"steiger_{service}",
        "POSTGRES_POOL_SIZE": "8",
        "POSTGRES_LOCK_TIMEOUT": "5",
    }


def connect_postgres(env: Mapping[str, str], **options: Any) -> Any:
    """A connection (autocommit) to the store's PostgreSQL database, for what is not events
    (the schema itself, the audit trail, the lead); `options` are libpq's."""
    import psycopg

    return psycopg.connect(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=env["POSTGRES_PORT"],
        user=env["POSTGRES_USER"],
        password=env.get("POSTGRES_PASSWORD") or None,
        autocommit=True,
        **options,
    )


def _schema_statement(env: Mapping[str, str], statement: str) -> None:
    """Runs `statement` ({} is the service's schema) on the store's PostgreSQL database."""
    from psycopg import sql

    with connect_postgres(env) as connection:
        connection.execute(sql.SQL(statement).format(sql.Identifier(env["POSTGRES_SCHEMA"])))


def create_postgres_schema(env: Mapping[str, str]) -> None:
    """The library creates tables, not schemas: make the service's own schema on first start."""
    _schema_statement(env, "CREATE SCHEMA IF NOT EXISTS {}")


def drop_store(env: Mapping[str, str]) -> None:
    """Removes a store altogether: the SQLite file (and its WAL), or the PostgreSQL schema."""
    if "SQLITE_DBNAME" in env:
        for suffix in ("", "-wal", "-shm"):
            Path(env["SQLITE_DBNAME"] + suffix).unlink(missing_ok=True)
    else:
        _schema_statement(env, "DROP SCHEMA IF EXISTS {} CASCADE")
