from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from steiger.reporting.domain.errors import NoProgressYet
from steiger.reporting.domain.progress import Progress
from steiger.reporting.policies import REACTIONS
from steiger.shared.eventstore import ServiceApplication


class ReportingApplication(ServiceApplication):
    name = "reporting"
    reactions = REACTIONS

    def progress_of(self, participant_id: UUID) -> Progress:
        try:
            return self.repository.get(Progress.create_id(participant_id))
        except AggregateNotFoundError:
            return Progress(participant_id)

    def progress(self, participant_id: UUID, today: dt.date) -> dict[str, Any]:
        try:
            progress: Progress = self.repository.get(Progress.create_id(participant_id))
        except AggregateNotFoundError:
            raise NoProgressYet(f"no events about participant {participant_id} yet") from None
        return progress.view(today)
