"""Which process of a service does the work only one may do at a time: publish the outbox
(the relay), send what fell due (notifications), run the daily passes (missed actions,
anniversaries, retention, the exchange feed).

Commands and incoming events go to any process of a service; these go to its leader. On
PostgreSQL the leader holds a session-level advisory lock named after the service's schema,
on a connection of its own: a process that dies (even by SIGKILL) closes that connection,
PostgreSQL releases the lock at once, and another process takes it at its next try (every
`retry_seconds`). A leader checks its connection as often, and stops leading when it is
gone, so two leaders overlap at most that long (at-least-once everywhere makes an overlap
harmless: the relay's records carry their sequence, sends their idempotency key).

A SQLite store has one process (`steiger run`); a lock on a file beside the store makes a
second one, started by mistake, wait rather than send everything twice.
"""

from __future__ import annotations

import asyncio
import fcntl
from collections.abc import Callable, Coroutine, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Protocol

import structlog

from steiger.shared.concurrency import off_the_loop, one_at_a_time
from steiger.shared.eventstore.configuration import connect_postgres

log = structlog.get_logger(__name__)


class Leadership(Protocol):
    def try_to_lead(self) -> bool:
        """Takes the lead if no other process holds it; True while this one does."""

    def still_leading(self) -> bool:
        """False once the lead was lost (its connection broke)."""

    def step_down(self) -> None: ...


class SoleProcess:
    """A store in memory has one process by construction (tests)."""

    def try_to_lead(self) -> bool:
        return True

    def still_leading(self) -> bool:
        return True

    def step_down(self) -> None:
        pass


class FileLock:
    """An exclusive `flock` on a file beside the SQLite store: released by the kernel when
    the process ends, however it ends."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] | None = None

    def try_to_lead(self) -> bool:
        if self._file is not None:
            return True
        file = self.path.open("ab")
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.close()
            return False
        self._file = file
        return True

    def still_leading(self) -> bool:
        return self._file is not None

    def step_down(self) -> None:
        if self._file is not None:
            self._file.close()  # closing releases the lock
            self._file = None


class AdvisoryLock:
    """A PostgreSQL session-level advisory lock, keyed by the service's schema."""

    def __init__(self, env: Mapping[str, str], timeout_seconds: float = 5.0) -> None:
        self.env = env
        self.name = f"steiger-leader:{env['POSTGRES_DBNAME']}:{env['POSTGRES_SCHEMA']}"
        self.timeout_seconds = timeout_seconds
        self._connection: Any = None

    def _connect(self) -> Any:
        return connect_postgres(
            self.env,
            connect_timeout=max(1, int(self.timeout_seconds)),
            # a leader cut off from the database notices within seconds, not hours
            keepalives=1,
            keepalives_idle=5,
            keepalives_interval=2,
            keepalives_count=2,
            options=f"-c statement_timeout={int(self.timeout_seconds * 1000)}",
        )

    def try_to_lead(self) -> bool:
        if self._connection is not None:
            return self.still_leading()
        connection = self._connect()
        try:
            row = connection.execute(
                "SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", (self.name,)
            ).fetchone()
        except Exception:
            connection.close()
            raise
        if not (row and row[0]):
            connection.close()
            return False
        self._connection = connection
        return True

    def still_leading(self) -> bool:
        if self._connection is None:
            return False
        try:
            self._connection.execute("SELECT 1")
        except Exception:
            log.warning("lost the connection holding the lead", lock=self.name)
            self.step_down()
            return False
        return True

    def step_down(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()  # the session ends: the lock is released
            except Exception:
                log.warning("could not close the lead's connection", lock=self.name)
            self._connection = None


def leadership_of(env: Mapping[str, str]) -> Leadership:
    """The leadership that fits the store `env` configures."""
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        return AdvisoryLock(env)
    dbname = env.get("SQLITE_DBNAME", ":memory:")
    if dbname.startswith((":memory:", "file:")):
        return SoleProcess()
    path = Path(dbname)
    return FileLock(path.with_name(f"{path.stem}.leader"))


Work = Callable[[], Coroutine[Any, Any, None]]


class Leader:
    """Runs `work` (long-running coroutines) while this process leads, and stops it when the
    lead is lost; tries to lead again every `retry_seconds`."""

    def __init__(
        self, leadership: Leadership, work: Sequence[Work], retry_seconds: float = 1.0
    ) -> None:
        self.leadership = leadership
        self.work = work
        self.retry_seconds = retry_seconds
        self.leading = False
        self.terms = 0
        """How often this process took the lead."""
        self._thread = one_at_a_time()

    async def run(self) -> None:
        try:
            while True:
                try:
                    leads = await off_the_loop(self.leadership.try_to_lead, limiter=self._thread)
                except Exception:
                    log.exception("could not ask for the lead; trying again")
                    leads = False
                if leads:
                    await self._lead()
                await asyncio.sleep(self.retry_seconds)
        finally:
            self.leading = False
            await off_the_loop(self.leadership.step_down, limiter=self._thread)

    async def _lead(self) -> None:
        self.leading = True
        self.terms += 1
        log.info("leading: this process publishes and sends", term=self.terms)
        tasks = [asyncio.create_task(work()) for work in self.work]
        try:
            while await off_the_loop(self.leadership.still_leading, limiter=self._thread):
                await asyncio.sleep(self.retry_seconds)
            log.warning("no longer leading: stopped publishing and sending")
        finally:
            self.leading = False
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
