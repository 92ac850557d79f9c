"""Reporting's projections live in one store *generation* at a time. A rebuild fills the
next generation aside while the current one keeps serving and consuming; the swap makes the
new one current for the API and the consumer at once, and records it (so a restart opens it).

SQLite: `var/reporting.sqlite` is generation 0, `var/reporting-g<N>.sqlite` later ones; the
current generation's number is kept in `var/reporting.generation`. PostgreSQL: schema
`steiger_reporting` is generation 0, `steiger_reporting_g<N>` later ones; the number is kept
in the table `steiger_reporting.current_generation`, where every process (and a restarted
one, whose `var/` is new) finds it."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.persistence import ProcessRecorder, Tracking
from psycopg import sql

from steiger.reporting.application import ReportingApplication
from steiger.reporting.projections import ProgressChanges
from steiger.reporting.settings import Settings
from steiger.shared.access import Case
from steiger.shared.eventstore import drop_store, store_environment
from steiger.shared.eventstore.configuration import connect_postgres, create_postgres_schema
from steiger.shared.participants import ParticipantState


def pointer(settings: Settings) -> Path:
    return settings.var_dir / "reporting.generation"


def current_generation(settings: Settings) -> int:
    if settings.database_url:
        return _kept_in_postgres(store_environment(settings))
    path = pointer(settings)
    return int(path.read_text()) if path.exists() else 0


_TABLE = (
    "CREATE TABLE IF NOT EXISTS {}.current_generation"
    " (one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one), generation INTEGER NOT NULL)"
)


def _kept_in_postgres(env: dict[str, str], generation: int | None = None) -> int:
    """The current generation's number (made 0 the first time); `generation`: keep that."""
    create_postgres_schema(env)
    schema = sql.Identifier(env["POSTGRES_SCHEMA"])
    with connect_postgres(env) as db:
        db.execute(sql.SQL(_TABLE).format(schema))
        if generation is not None:
            db.execute(
                sql.SQL(
                    "INSERT INTO {}.current_generation (generation) VALUES (%s)"
                    " ON CONFLICT (one) DO UPDATE SET generation = EXCLUDED.generation"
                ).format(schema),
                (generation,),
            )
        row = db.execute(
            sql.SQL("SELECT generation FROM {}.current_generation").format(schema)
        ).fetchone()
    return int(row[0]) if row else 0


def environment(settings: Settings, generation: int) -> dict[str, str]:
    env = store_environment(settings)
    if generation:
        if "SQLITE_DBNAME" in env:
            env["SQLITE_DBNAME"] = str(settings.var_dir / f"reporting-g{generation}.sqlite")
        else:
            env["POSTGRES_SCHEMA"] = f"{env['POSTGRES_SCHEMA']}_g{generation}"
    return env


def discard(settings: Settings, generation: int) -> None:
    """Removes what an earlier, unfinished rebuild left in this generation's place."""
    drop_store(environment(settings, generation))


def make_current(settings: Settings, generation: int) -> None:
    if settings.database_url:
        _kept_in_postgres(store_environment(settings), generation)
        return
    path = pointer(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_suffix(".new")
    aside.write_text(str(generation))
    aside.replace(path)  # atomic: a crash leaves the old or the new number, never half


class LiveProjections:
    """Stands for the current generation's application: the consumer hands it events, the
    API reads `application`, and `swap` replaces the generation between two events."""

    translate: ClassVar[None] = None  # reporting publishes no events of its own

    def __init__(self, application: ReportingApplication, generation: int) -> None:
        self._application, self.generation = application, generation
        self.swapping = threading.RLock()
        self.changes = ProgressChanges()
        """Clients waiting for a participant's progress to change, in any generation."""
        application.on_recorded(self.changes.changed)

    @property
    def application(self) -> ReportingApplication:
        """The current generation's application (a request reads it once)."""
        return self._application

    @property
    def recorder(self) -> ProcessRecorder:
        return self._application.recorder

    def reacts_to(self, event_class: type) -> bool:
        return self._application.reacts_to(event_class)

    @property
    def single_writer(self) -> bool:
        return self._application.single_writer

    def follow_store(self) -> int:
        with self.swapping:
            return self._application.follow_store()

    def participant_state(self, participant_id: UUID) -> ParticipantState:
        return self._application.participant_state(participant_id)

    def case_of(self, participant_id: UUID) -> Case | None:
        return self._application.case_of(participant_id)

    def restricted(self, participant_id: UUID) -> bool:
        return self._application.restricted(participant_id)

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        with self.swapping:
            self._application.process_event(domain_event, tracking)

    def process_batch(self, events: Sequence[tuple[Any, str | None]], tracking: Tracking) -> None:
        with self.swapping:
            self._application.process_batch(events, tracking)

    def close(self) -> None:
        self._application.close()

    def swap(self, application: ReportingApplication, generation: int) -> None:
        application.on_recorded(self.changes.changed)
        with self.swapping:
            self._application, self.generation = application, generation
        self.changes.changed(None)  # whoever waits reads the new generation
