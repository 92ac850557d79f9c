"""A cached aggregate is handed out as a private copy: a command that changes it and then
fails (or is never saved) leaves the cache, and so every later reader, untouched."""

from __future__ import annotations

import datetime as dt
import uuid

from eventsourcing.persistence import Tracking

from steiger.reporting.application import ReportingApplication
from steiger.reporting.domain.progress import Progress
from steiger.shared.contracts.bridge import PositionRecorded

AT = dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC)


def recorded(participant, step, at):
    return PositionRecorded(
        participant_id=participant,
        assessment_id=uuid.uuid4(),
        definition_id="nl-alphen",
        definition_version="2017-09-07",
        column="debts",
        step=step,
        points=step,
        assessed_at=at,
    )


def test_changing_a_copy_never_changes_the_cached_aggregate():
    app = ReportingApplication({"AGGREGATE_CACHE_MAXSIZE": "100"})
    p = uuid.uuid4()
    app.process_event(recorded(p, 1, AT), Tracking("bridge#0", 1))
    first = app.repository.get(Progress.create_id(p))
    first.note_position("debts", 5, 5, "nl", AT + dt.timedelta(days=1))  # never saved
    first.positions["debts"][0]["step"] = 4  # nor this, in place

    again = app.repository.get(Progress.create_id(p))
    assert again is not first
    assert [(e["step"], e["assessed_at"]) for e in again.positions["debts"]] == [(1, AT)]
    assert again.version == 2 and not again.collect_events()

    # a stored change still reaches the cached aggregate
    app.process_event(recorded(p, 2, AT + dt.timedelta(days=2)), Tracking("bridge#0", 2))
    latest = app.repository.get(Progress.create_id(p))
    assert [e["step"] for e in latest.positions["debts"]] == [1, 2]
