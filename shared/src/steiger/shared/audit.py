"""The audit trail: who read what, who was refused what, when, and what they were answered.

Every read that passes the door (`steiger.shared.access`) is recorded, and every refusal or
failure of any request. A change that succeeded is not recorded twice: its events store who
made it (`steiger.shared.eventstore.mapper.ACTOR_KEY`). An entry holds the caller (subject,
roles, client, and on whose behalf a service asked), the operation (the route, never the
query string: a search by name leaves no name here), the participant whose case it was, the
purpose the caller gave (`X-Purpose`), the status answered, and the trace.
No personal data in clear: participants are named by their pseudonymous id, which an erasure
leaves, so the trail survives it.

The trail is append-only and tamper-evident: each entry carries a chain value, an HMAC over
the previous chain value and the entry, keyed with the audit key
(`STEIGER_AUDIT_KEY`). Changing or removing an entry breaks every chain value after it, and
without the key no one can compute them again; `steiger audit verify` finds where.

Entries are written before the answer leaves (an answer never goes out unrecorded), by a
writer thread that commits whatever entries gathered in one transaction.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import json
import queue
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from steiger.shared.access import WRITES, Decision, Role, admits
from steiger.shared.concurrency import in_own_thread, off_the_loop
from steiger.shared.eventstore.configuration import connect_postgres
from steiger.shared.tracing import current_traceparent, trace_id

GENESIS = ""
GATHER_SECONDS = 0.005
"""How long the writer lets entries gather before it commits them: an answer waits at most
this much longer, and under load a transaction holds many entries (docs/benchmarks.md)."""


@dataclass(frozen=True)
class AuditEntry:
    at: str
    service: str
    operation: str
    status: int
    outcome: str
    """admitted, or why not: Unauthenticated, Forbidden."""
    subject: str | None = None
    roles: tuple[str, ...] = ()
    client: str | None = None
    on_behalf_of: str | None = None
    participant_id: str | None = None
    purpose: str | None = None
    trace_id: str | None = None

    def canonical(self) -> bytes:
        """The entry as it is chained and stored: JSON, keys sorted (`vars`, not `asdict`:
        the fields are flat, and asdict's deep copy cost a request more than the rest)."""
        fields = {**vars(self), "roles": list(self.roles)}
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, text: str) -> AuditEntry:
        found = json.loads(text)
        return cls(**{**found, "roles": tuple(found.get("roles", ()))})


def chained(key: bytes, previous: str, entry: bytes) -> str:
    return hmac.new(key, previous.encode() + b"\n" + entry, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Waiting:
    """An entry on its way to the store, and who waits for it."""

    participant_id: str | None
    entry: bytes
    done: asyncio.Future[None]
    loop: asyncio.AbstractEventLoop


def _settle(waiting: list[asyncio.Future[None]], outcome: Exception | None) -> None:
    for done in waiting:
        if done.done():
            continue
        if outcome is None:
            done.set_result(None)
        else:
            done.set_exception(outcome)


class AuditStore(Protocol):
    """Where a service keeps its trail: SQLite beside its store, or its PostgreSQL schema."""

    def append(self, entries: Sequence[tuple[str | None, bytes]], key: bytes) -> None:
        """Entries (the participant they are about, the entry) in one transaction."""
        ...

    def entries(self, participant_id: str | None = None) -> Iterator[tuple[int, str, str]]:
        """(position, entry JSON, chain) in order; of one participant's case if named."""
        ...

    def close(self) -> None: ...


class SqliteAuditStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._connection.execute("PRAGMA journal_mode=WAL")
            # A commit survives the process crashing at any moment; after a power failure the
            # last moments' entries may be gone, the rest intact (production: PostgreSQL).
            self._connection.execute("PRAGMA synchronous=NORMAL")
            self._connection.execute(
                "CREATE TABLE IF NOT EXISTS audit_trail (position INTEGER PRIMARY KEY, "
                "participant_id TEXT, entry TEXT NOT NULL, chain TEXT NOT NULL)"
            )
            self._connection.execute(
                "CREATE INDEX IF NOT EXISTS audit_by_participant ON audit_trail (participant_id)"
            )

    def append(self, entries: Sequence[tuple[str | None, bytes]], key: bytes) -> None:
        with self._lock:
            self._connection.execute("BEGIN IMMEDIATE")  # one writer: the chain stays a chain
            try:
                last = self._connection.execute(LAST.format(table="audit_trail")).fetchone()
                rows = chained_rows(entries, key, last)
                self._connection.executemany("INSERT INTO audit_trail VALUES (?, ?, ?, ?)", rows)
                self._connection.execute("COMMIT")
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise

    def entries(self, participant_id: str | None = None) -> Iterator[tuple[int, str, str]]:
        query, arguments = entries_query("audit_trail", participant_id, "?")
        with self._lock:
            rows = self._connection.execute(query, arguments).fetchall()
        yield from rows

    def close(self) -> None:
        self._connection.close()


LAST = "SELECT position, chain FROM {table} ORDER BY position DESC LIMIT 1"


def chained_rows(
    entries: Sequence[tuple[str | None, bytes]], key: bytes, last: tuple[int, str] | None
) -> list[tuple[int, str | None, str, str]]:
    """The rows that continue the chain after `last` (its position and chain value)."""
    position, previous = last if last else (0, GENESIS)
    rows = []
    for participant, entry in entries:
        position, previous = position + 1, chained(key, previous, entry)
        rows.append((position, participant, entry.decode(), previous))
    return rows


def entries_query(
    table: str, participant_id: str | None, placeholder: str
) -> tuple[str, tuple[Any, ...]]:
    if participant_id is None:
        return f"SELECT position, entry, chain FROM {table} ORDER BY position", ()
    return (
        f"SELECT position, entry, chain FROM {table} WHERE participant_id = {placeholder} "
        "ORDER BY position",
        (participant_id,),
    )


class PostgresAuditStore:
    """The trail in the service's own schema; replicas of a service take turns (a lock on the
    table for the length of an append), so the chain stays one."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._schema = env["POSTGRES_SCHEMA"]
        self._connection = connect_postgres(env)
        self._lock = threading.Lock()
        table = self._table()
        with self._lock:
            self._connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{self._schema}"')
            self._connection.execute(
                f"CREATE TABLE IF NOT EXISTS {table} (position BIGINT PRIMARY KEY, "
                "participant_id TEXT, entry TEXT NOT NULL, chain TEXT NOT NULL)"
            )
            self._connection.execute(
                f"CREATE INDEX IF NOT EXISTS audit_by_participant ON {table} (participant_id)"
            )

    def _table(self) -> str:
        return f'"{self._schema}".audit_trail'

    def append(self, entries: Sequence[tuple[str | None, bytes]], key: bytes) -> None:
        table = self._table()
        with self._lock, self._connection.transaction():
            self._connection.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            last = self._connection.execute(LAST.format(table=table)).fetchone()
            rows = chained_rows(entries, key, last)
            with self._connection.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {table} VALUES (%s, %s, %s, %s)", rows)

    def entries(self, participant_id: str | None = None) -> Iterator[tuple[int, str, str]]:
        query, arguments = entries_query(self._table(), participant_id, "%s")
        with self._lock:
            rows = self._connection.execute(query, arguments).fetchall()
        yield from rows

    def close(self) -> None:
        self._connection.close()


def open_audit_store(store_env: Mapping[str, str]) -> AuditStore:
    """The trail beside the service's event store (its SQLite file's directory, as
    `<service>-audit.sqlite`, or its PostgreSQL schema)."""
    if "SQLITE_DBNAME" in store_env:
        store = Path(store_env["SQLITE_DBNAME"])
        return SqliteAuditStore(store.with_name(f"{store.stem}-audit.sqlite"))
    return PostgresAuditStore(store_env)


@dataclass(frozen=True)
class Break:
    position: int
    why: str


def verify(store: AuditStore, key: bytes) -> tuple[int, list[Break]]:
    """Every entry checked against its chain value: how many, and where the chain breaks
    (an entry changed, or one removed before another)."""
    previous, expected, count, breaks = GENESIS, 1, 0, []
    for position, entry, chain in store.entries():
        count += 1
        if position != expected:
            breaks.append(Break(expected, f"entries {expected} to {position - 1} are missing"))
        if not hmac.compare_digest(chain, chained(key, previous, entry.encode())):
            breaks.append(Break(position, "the entry or the one before it was changed"))
        previous, expected = chain, position + 1
    return count, breaks


class AuditTrail:
    """A service's trail: `record` from the HTTP edge, `of` for the privacy officer."""

    def __init__(self, store: AuditStore, key: bytes, service: str) -> None:
        self.store = store
        self.key = key
        self.service = service
        self._queue: queue.SimpleQueue[Waiting | None] = queue.SimpleQueue()
        self._writer = in_own_thread(f"audit-{service}", self._write_continually)

    async def record(self, entry: AuditEntry) -> None:
        """Returns once the entry is committed. A writer thread of its own commits whatever
        entries wait, in one transaction, while the event loop goes on serving: under load
        the transactions hold many entries (on the loop, one each, the trail cost the
        backbone benchmark a third of its commands; docs/benchmarks.md)."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._queue.put(Waiting(entry.participant_id, entry.canonical(), done, loop))
        await done

    def _write_continually(self) -> None:
        while (first := self._queue.get()) is not None:
            time.sleep(GATHER_SECONDS)  # what comes meanwhile goes in the same transaction
            batch = [first]
            stopping = False
            while not self._queue.empty():
                waiting = self._queue.get_nowait()
                if waiting is None:
                    stopping = True
                    break
                batch.append(waiting)
            outcome: Exception | None = None
            try:
                self.store.append([(w.participant_id, w.entry) for w in batch], self.key)
            except Exception as error:
                outcome = error
            loops = {id(w.loop): w.loop for w in batch}
            for loop in loops.values():
                mine = [w.done for w in batch if w.loop is loop]
                with suppress(RuntimeError):  # a loop closed meanwhile: no one waits
                    loop.call_soon_threadsafe(_settle, mine, outcome)
            if stopping:
                return

    def of(self, participant_id: UUID | str) -> list[dict[str, Any]]:
        return [
            {"position": position, **asdict(AuditEntry.from_json(entry))}
            for position, entry, _ in self.store.entries(str(participant_id))
        ]

    def close(self) -> None:
        self._queue.put(None)
        self._writer.join(timeout=5)
        self.store.close()


@contextmanager
def opened(store_env: Mapping[str, str]) -> Iterator[AuditStore]:
    store = open_audit_store(store_env)
    try:
        yield store
    finally:
        store.close()


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def recorded_here(method: str, decision: Decision, status: int) -> bool:
    """Whether a request goes into the trail: every read, and every refusal or failure. A
    change that succeeded is recorded by its own events, with who made it
    (`steiger.shared.eventstore.mapper.ACTOR_KEY`), not twice."""
    return method not in WRITES or decision.refused is not None or status >= 400


class AuditMiddleware:
    """Records every read the door decided about, and every refusal and failure, with the
    status it is answered, before the answer goes out (outermost: a 500 is recorded too)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def recording(message: Message) -> None:
            if message["type"] == "http.response.start":
                decision = scope.get("state", {}).get("access")
                if decision is not None and recorded_here(
                    scope["method"], decision, message["status"]
                ):
                    trail: AuditTrail = scope["app"].state.audit
                    await trail.record(entry_of(trail.service, decision, message["status"]))
            await send(message)

        await self.app(scope, receive, recording)


def entry_of(service: str, decision: Decision, status: int) -> AuditEntry:
    actor = decision.actor()
    return AuditEntry(
        at=now(),
        service=service,
        operation=decision.operation,
        status=status,
        outcome=decision.refused or "admitted",
        participant_id=str(decision.participant_id) if decision.participant_id else None,
        trace_id=trace_id(current_traceparent.get()),
        **{**actor, "roles": tuple(actor["roles"])},
    )


class AuditOut(BaseModel):
    """An entry of the trail, as the privacy officer reads it."""

    position: int
    at: str
    service: str
    operation: str = Field(examples=["GET /participants/{participant_id}/positions"])
    status: int
    outcome: str = Field(examples=["admitted", "Forbidden", "Unauthenticated"])
    subject: str | None = Field(description="who asked: the token's subject")
    roles: list[str]
    client: str | None
    on_behalf_of: str | None = Field(description="with a service's call: whom it asked for")
    participant_id: str | None
    purpose: str | None
    trace_id: str | None


def audit_router() -> APIRouter:
    """`GET /audit?participant=`: the service's own trail about one participant's case."""
    router = APIRouter(tags=["audit"])

    @router.get(
        "/audit",
        summary="Who read or changed the participant's case here, when, and what they got",
        response_model=list[AuditOut],
        dependencies=[admits(Role.PRIVACY_OFFICER, Role.SERVICE)],
    )
    async def audit(request: Request, participant: UUID) -> list[dict[str, Any]]:
        trail: AuditTrail = request.app.state.audit
        return await off_the_loop(trail.of, participant)

    return router
