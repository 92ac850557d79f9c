"""The table that maps domain events to contracts is checked when it is made."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from eventsourcing.domain import Aggregate, event

from steiger.shared.contracts.planning import MeetingScheduled
from steiger.shared.contracts.translation import To, Translator


class Meeting(Aggregate):
    @event("Scheduled")
    def __init__(self, participant_id: uuid.UUID, at: dt.datetime, place: str) -> None:
        self.participant_id, self.at, self.place = participant_id, at, place

    @event("Moved")
    def move(self, place: str) -> None:
        self.place = place


AT = dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)


def test_fields_of_the_same_name_are_copied_and_the_others_come_from_the_table():
    translate = Translator(
        {Meeting.Scheduled: To(MeetingScheduled, meeting_id="originator_id",
                               scheduled_at=lambda e: e.timestamp)}
    )  # fmt: skip
    meeting = Meeting(uuid.uuid4(), AT, "the library")
    meeting.move("at home")
    scheduled, moved = (translate(e) for e in meeting.collect_events())
    assert scheduled == MeetingScheduled(
        participant_id=meeting.participant_id,
        meeting_id=meeting.id,
        at=AT,
        scheduled_at=scheduled.scheduled_at,
    )
    assert moved is None  # stays inside the service


def test_a_contract_field_without_a_source_fails_when_the_table_is_made():
    with pytest.raises(TypeError, match="no source for 'meeting_id'"):
        Translator({Meeting.Scheduled: To(MeetingScheduled, scheduled_at="timestamp")})
    with pytest.raises(TypeError, match="no source for 'scheduled_at'"):
        Translator({Meeting.Scheduled: To(MeetingScheduled, meeting_id="originator_id",
                                          scheduled_at="created_on")})  # fmt: skip


def test_a_source_for_a_field_the_contract_does_not_have_fails_too():
    with pytest.raises(TypeError, match=r"has no field \['summary'\]"):
        Translator(
            {Meeting.Scheduled: To(MeetingScheduled, meeting_id="originator_id",
                                   scheduled_at="timestamp", summary="place")}
        )  # fmt: skip
