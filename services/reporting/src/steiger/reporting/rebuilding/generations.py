"""Reporting's projections live in one store *generation* at a time. A rebuild fills the
next generation aside while the current one keeps serving and consuming; the swap makes the
new one current for the API and the consumer at once, and records it (so a restart opens it).

SQLite: `var/reporting.sqlite` is generation 0, `var/reporting-g<N>.sqlite` later ones.
PostgreSQL: schema `steiger_reporting` is generation 0, `steiger_reporting_g<N>` later ones.
The current generation's number is kept in `var/reporting.generation`."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.persistence import ProcessRecorder, Tracking

from steiger.reporting.application import ReportingApplication
from steiger.reporting.projections import ProgressChanges
from steiger.reporting.settings import Settings
from steiger.shared.access import Case
from steiger.shared.eventstore import drop_store, store_environment
from steiger.shared.participants import ParticipantState


def pointer(settings: Settings) -> Path:
    return settings.var_dir / "reporting.generation"


def current_generation(settings: Settings) -> int:
    path = pointer(settings)
    return int(path.read_text()) if path.exists() else 0


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
