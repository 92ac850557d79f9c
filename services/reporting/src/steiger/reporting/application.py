from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Recording

from steiger.reporting.caseloads import CaseloadLines, Line, MentorIndex
from steiger.reporting.domain import figures
from steiger.reporting.domain.errors import NoProgressYet
from steiger.reporting.domain.evaluation import evaluation_rows
from steiger.reporting.domain.outcomes import table_4
from steiger.reporting.domain.progress import Progress
from steiger.reporting.domain.views import participant_view
from steiger.reporting.policies import REACTIONS
from steiger.reporting.projections import Kept, LatestViews
from steiger.shared.access import Case
from steiger.shared.eventstore import ServiceApplication
from steiger.shared.participants import ParticipantState


class ReportingApplication(ServiceApplication):
    name = "reporting"
    reactions = REACTIONS
    is_snapshotting_enabled = True  # a rebuild writes states, not the way to them

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        super().__init__(env)
        self.latest_views = LatestViews()
        self.mentor_index = MentorIndex(self._every_assignment)
        self.caseload_lines = CaseloadLines(self._caseload_line, self.latest_views.latest)

    def participant_state(self, participant_id: UUID) -> ParticipantState:
        if self.erased(participant_id):
            return "erased"  # their progress stays in the counts; it is not served alone
        progress = self.find(Progress.create_id(participant_id), Progress)
        return "registered" if progress and progress.profile else "unknown"

    def progress_of(self, participant_id: UUID) -> Progress:
        return self.find(Progress.create_id(participant_id), Progress) or Progress(participant_id)

    def participants(self) -> list[UUID]:
        return self.originators_of(Progress.Started)

    def progress(self, participant_id: UUID, as_of: dt.date) -> dict[str, Any]:
        return self.kept_progress(participant_id, as_of).view

    def subject_access(self, participant_id: UUID, today: dt.date) -> dict[str, Any]:
        """GDPR art. 15, this service's part: the progress it derived (pseudonymous)."""
        return {"progress": self.progress(participant_id, today)}

    def kept_progress_if_current(self, participant_id: UUID, as_of: dt.date) -> Kept | None:
        """The view if it is in memory and current: no I/O, safe on the event loop."""
        return self.latest_views.get(Progress.create_id(participant_id), as_of)

    def kept_progress(self, participant_id: UUID, as_of: dt.date) -> Kept:
        """The view with the version of the progress it shows and its JSON encoding."""
        progress_id = Progress.create_id(participant_id)
        kept = self.latest_views.get(progress_id, as_of)
        if kept is None:
            missing = NoProgressYet(f"no events about participant {participant_id} yet")
            progress = self.require(progress_id, Progress, missing)
            view = participant_view(progress, as_of)
            kept = self.latest_views.put(progress_id, as_of, progress.version, view)
        return kept

    def progress_changed_since(self, participant_id: UUID, version: int) -> bool:
        """Whether a write newer than `version` of the participant's progress is known."""
        latest = self.latest_views.latest(Progress.create_id(participant_id))
        return latest is not None and latest != version

    def recorded(self, recordings: list[Recording[UUID]], here: bool = True) -> None:
        # Newer versions first, then the listeners: a client woken by them reads the new view.
        for recording in recordings:
            event = recording.domain_event
            self.latest_views.changed(event.originator_id, event.originator_version)
            if isinstance(event, Progress.MentorNoted):
                self.mentor_index.assigned(str(event.mentor_id), event.originator_id)
        super().recorded(recordings, here)

    def dashboard(
        self,
        by: str,
        as_of: dt.date,
        since: dt.date | None,
        step: int,
        among: Callable[[UUID], bool] = lambda _: True,
    ) -> dict[str, Any]:
        """Of the participants `among` admits (a team lead's teams')."""
        included = [p for p in self.everyone() if among(p.participant_id)]
        return figures.dashboard(included, by, as_of, since, step)

    def outcomes(
        self, by: str, as_of: dt.date, among: Callable[[UUID], bool] = lambda _: True
    ) -> dict[str, Any]:
        """Table 4 per group, of the participants `among` admits (a team lead's teams')."""
        return table_4((p for p in self.everyone() if among(p.participant_id)), by, as_of)

    def caseload(self, mentor_id: UUID, as_of: dt.date) -> dict[str, Any]:
        rows = [row for row, _ in self.caseloads([str(mentor_id)], as_of)]
        for row in rows:
            del row["mentor_id"]
        return {"mentor_id": mentor_id, "as_of": as_of, "participants": rows}

    def caseloads(
        self, mentor_ids: Collection[str], as_of: dt.date
    ) -> list[tuple[dict[str, Any], Case | None]]:
        """The lines of every participant on these mentors' caseloads on that day, each with
        its mentor, by participant id; with each, their case (whose the line is to see)."""
        wanted = set(mentor_ids)
        candidates = set().union(*(self.mentor_index.progress_of(m) for m in wanted))
        found = []
        for progress_id in candidates:
            mentor, row, case = self.caseload_lines.line(progress_id, as_of)
            if mentor in wanted:
                found.append(({**row, "mentor_id": mentor}, case))
        return sorted(found, key=lambda line: str(line[0]["participant_id"]))

    def _caseload_line(self, progress_id: UUID, as_of: dt.date) -> tuple[int, Line]:
        progress = self.repository.get(progress_id)
        mentor, row = figures.caseload_row(progress, as_of)
        return progress.version, (mentor, row, self.case_of(progress.participant_id))

    def _every_assignment(self) -> list[tuple[str, UUID]]:
        return [(m["mentor_id"], p.id) for p in self.everyone() for m in p.mentors]

    def evaluation(
        self, today: dt.date, pseudonym: Callable[[UUID], str]
    ) -> tuple[list[str], list[dict[str, Any]]]:
        return evaluation_rows(self.everyone(), today, pseudonym)

    def everyone(self) -> list[Progress]:
        """Every participant's progress (the repository's cache keeps this cheap after
        the first time; fine for tens of thousands of participants)."""
        return [self.repository.get(Progress.create_id(p)) for p in self.participants()]
