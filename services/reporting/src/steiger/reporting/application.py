from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from steiger.reporting.domain.errors import NoProgressYet
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

    def everyone(self) -> list[Progress]:
        """Every participant's progress (the repository's cache keeps this cheap after
        the first time; fine for tens of thousands of participants)."""
        return [self.repository.get(Progress.create_id(p)) for p in self.participants()]
