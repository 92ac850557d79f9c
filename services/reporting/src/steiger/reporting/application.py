from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from steiger.reporting.domain import figures
from steiger.reporting.domain.errors import NoProgressYet
from steiger.reporting.domain.evaluation import evaluation_rows
from steiger.reporting.domain.progress import Progress
from steiger.reporting.domain.views import participant_view
from steiger.reporting.policies import REACTIONS
from steiger.shared.eventstore import ServiceApplication


class ReportingApplication(ServiceApplication):
    name = "reporting"
    reactions = REACTIONS
    is_snapshotting_enabled = True  # a rebuild writes states, not the way to them

    def progress_of(self, participant_id: UUID) -> Progress:
        try:
            return self.repository.get(Progress.create_id(participant_id))
        except AggregateNotFoundError:
            return Progress(participant_id)

    def participants(self) -> list[UUID]:
        return self.originators_of(Progress.Started)

    def progress(self, participant_id: UUID, as_of: dt.date) -> dict[str, Any]:
        try:
            progress: Progress = self.repository.get(Progress.create_id(participant_id))
        except AggregateNotFoundError:
            raise NoProgressYet(f"no events about participant {participant_id} yet") from None
        return participant_view(progress, as_of)

    def dashboard(
        self, by: str, as_of: dt.date, since: dt.date | None, step: int
    ) -> dict[str, Any]:
        return figures.dashboard(self.everyone(), by, as_of, since, step)

    def caseload(self, mentor_id: UUID, as_of: dt.date) -> dict[str, Any]:
        rows = figures.caseload(self.everyone(), str(mentor_id), as_of)
        return {"mentor_id": mentor_id, "as_of": as_of, "participants": rows}

    def evaluation(
        self, today: dt.date, pseudonym: Callable[[UUID], str]
    ) -> tuple[list[str], list[dict[str, Any]]]:
        return evaluation_rows(self.everyone(), today, pseudonym)

    def everyone(self) -> list[Progress]:
        """Every participant's progress (the repository's cache keeps this cheap after
        the first time; fine for tens of thousands of participants)."""
        return [self.repository.get(Progress.create_id(p)) for p in self.participants()]
