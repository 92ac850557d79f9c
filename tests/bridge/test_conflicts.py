"""A command that meets a concurrent write to the same aggregate runs again on the fresh
state instead of refusing the mentor with a 409."""

from __future__ import annotations

import datetime as dt
import uuid

from steiger.bridge.main import parts
from steiger.bridge.settings import Settings


def test_the_first_assessment_racing_the_intake_that_creates_the_record_is_accepted(
    tmp_path, intake
):
    """Bridge's consumer creates the participant's record from ParticipantRegistered; the
    first assessment, sent right after registering, can load 'no record yet' just before
    the consumer saves one (the API waits for the registration; a caller of the application
    need not). Its save then conflicts; the command runs again on the record the consumer
    left and both the household and the assessment are kept."""
    service = parts(Settings(var_dir=tmp_path))
    app, participant = service.application, uuid.uuid4()
    load = app.record_for
    raced = []

    def load_while_the_intake_arrives(participant_id):
        record = load(participant_id)
        if not raced:
            raced.append(record.household)
            intake(app, participant_id, adults=2, preschool=1)  # saved in between
        return record

    app.record_for = load_while_the_intake_arrives
    app.record_assessment(
        participant,
        "nl-alphen",
        "2017-09-07",
        {"debts": 2, "income": 1},
        dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC),
    )
    assert raced == [None], "the command first saw a record without the intake"
    record = load(participant)
    assert record.household == (2, 1, 0)
    assert {p.column: p.step for p in record.positions} == {"debts": 2, "income": 1}
