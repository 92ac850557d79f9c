"""The Participant aggregate without I/O: every transition and every refusal."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from steiger.participant.domain.errors import (
    ConsentNotGiven,
    InvalidTransition,
    ParticipantErased,
)
from steiger.participant.domain.participant import Participant
from steiger.participant.domain.values import (
    Channel,
    ConsentPurpose,
    ContactPreferences,
    ExitReason,
    Status,
)

DAY = dt.date(2026, 11, 2)


def participant() -> Participant:
    return Participant(uuid.uuid4(), "c2VhbGVk", "debt-help", "Leiden", None, None, "nl", 1, 0, 0,
                       DAY)  # fmt: skip


def test_pause_resume_exit_and_the_refusals_between():
    p = participant()
    with pytest.raises(InvalidTransition):
        p.resume(DAY)
    p.pause(DAY, "te druk")
    with pytest.raises(InvalidTransition):
        p.pause(DAY, None)
    p.resume(DAY)
    p.exit(DAY, ExitReason.MOVED)
    for change in (lambda: p.pause(DAY, None), lambda: p.resume(DAY),
                   lambda: p.exit(DAY, ExitReason.OTHER)):  # fmt: skip
        with pytest.raises(InvalidTransition):
            change()
    assert [c.status for c in p.history] == [Status.ACTIVE, Status.PAUSED, Status.ACTIVE,
                                             Status.EXITED]  # fmt: skip


def test_a_first_mentor_needs_no_reason_a_transfer_does_and_the_same_mentor_is_refused():
    p, anna, bram = participant(), uuid.uuid4(), uuid.uuid4()
    p.assign_mentor(anna, None, DAY, None)
    with pytest.raises(InvalidTransition):
        p.assign_mentor(anna, None, DAY, "again")
    with pytest.raises(InvalidTransition):
        p.assign_mentor(bram, None, DAY, None)
    p.assign_mentor(bram, None, DAY, "team change")
    assert p.mentor_id == bram


def test_consent_per_purpose_and_partner():
    p = participant()
    p.grant_consent(ConsentPurpose.PARTNER_SHARING, "ggd", ["bridge"], "v1", DAY)
    p.grant_consent(ConsentPurpose.PARTNER_SHARING, "woningcorporatie", ["planning"], "v1", DAY)
    p.withdraw_consent(ConsentPurpose.PARTNER_SHARING, "ggd", DAY)
    assert [c.partner for c in p.consents.values()] == ["woningcorporatie"]
    with pytest.raises(ConsentNotGiven):
        p.withdraw_consent(ConsentPurpose.RESEARCH, None, DAY)
    with pytest.raises(InvalidTransition):
        p.grant_consent(ConsentPurpose.SUCCESS_STORY, "krant", [], "v1", DAY)


def test_contact_preferences_and_opt_outs_govern_disclosure():
    p = participant()
    assert p.contact.time_of_day == "morning"  # the default, per the service principles
    p.set_contact_preferences(ContactPreferences(channels=(Channel.EMAIL,),
                                                 opted_out=(Channel.SMS,)))  # fmt: skip
    p.disclose_contact(Channel.EMAIL, "notifications", "reminder:1")
    with pytest.raises(InvalidTransition):
        p.disclose_contact(Channel.SMS, "notifications", "reminder:2")


def test_after_erasure_every_change_is_refused():
    p = participant()
    p.erase(DAY)
    for change in (
        lambda: p.pause(DAY, None),
        lambda: p.assign_mentor(uuid.uuid4(), None, DAY, None),
        lambda: p.grant_consent(ConsentPurpose.RESEARCH, None, [], "v1", DAY),
        lambda: p.set_contact_preferences(ContactPreferences()),
        lambda: p.disclose_contact(Channel.EMAIL, "notifications", "x"),
    ):
        with pytest.raises(ParticipantErased):
            change()
