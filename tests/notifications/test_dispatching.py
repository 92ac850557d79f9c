"""The dispatcher on a clock the test moves: sent once, late only while useful, never in
quiet hours, retried with backoff, failed with a reason, and nothing sent twice after a
restart of the service."""

import datetime as dt
import threading
import time
import uuid
from collections import Counter
from zoneinfo import ZoneInfo

from steiger.notifications.application import NotificationsApplication
from steiger.notifications.channels import DeliveryError
from steiger.shared.contracts.participant import (
    ContactPreferencesChanged,
    ProcessingRestricted,
    RestrictionLifted,
)

from .fakes import Clock, FakeDetails, Feeder, RecordingChannel, make_dispatcher
from .test_scheduling import GOAL, P, earned, planned

AMS = ZoneInfo("Europe/Amsterdam")
FIRST = dt.datetime(2026, 12, 8, 9, tzinfo=AMS)  # the reminders of `planned(...)`
SECOND = dt.datetime(2026, 12, 10, 9, tzinfo=AMS)


def statuses(app):
    overview = app.overview(P)
    return {s: len(overview[s]) for s in ("pending", "sent", "failed", "skipped") if overview[s]}


def with_action(app, feed):
    action = uuid.uuid4()
    app.details.goals[GOAL] = {
        "title": "Schulden op een rij",
        "actions": [
            {"action_id": str(action), "description": "Bel de schuldhulp", "due_on": "2026-12-10"}
        ],
    }
    feed(planned(action))
    return action


def test_nothing_is_sent_before_its_moment_and_each_reminder_once(app, feed):
    with_action(app, feed)
    clock = Clock(FIRST - dt.timedelta(minutes=1))
    email = RecordingChannel()
    dispatcher = make_dispatcher(app, clock, email=email)
    assert dispatcher.run_once() == 0 and email.sent == []
    clock.advance(minutes=1)
    assert dispatcher.run_once() == 1
    assert dispatcher.run_once() == 0  # already recorded as sent
    ((to, message, key),) = email.sent
    assert to == "samira@example.nl"
    assert message.subject == "Herinnering: Bel de schuldhulp (donderdag 10 december)"
    assert "Over 2 dagen" in message.body
    assert statuses(app) == {"pending": 1, "sent": 1}
    assert app.overview(P)["sent"][0]["channel"] == "email"
    assert dispatcher.directory.lookups == [(P, "email", f"notification:{key}")]


def test_a_reminder_that_fell_due_while_down_is_sent_late_if_still_useful(app, feed):
    with_action(app, feed)
    email = RecordingChannel()
    make_dispatcher(app, Clock(FIRST + dt.timedelta(hours=5)), email=email).run_once()
    assert len(email.sent) == 1 and statuses(app) == {"pending": 1, "sent": 1}


def test_an_older_reminder_is_skipped_when_a_later_one_is_also_due(app, feed):
    with_action(app, feed)
    email = RecordingChannel()
    make_dispatcher(app, Clock(SECOND + dt.timedelta(hours=1)), email=email).run_once()
    assert len(email.sent) == 1 and "Vandaag is de dag" in email.sent[0][1].body
    (skipped,) = app.overview(P)["skipped"]
    assert skipped["send_at"] == FIRST and skipped["reason"].startswith("superseded")


def test_reminders_past_due_are_skipped_not_sent(app, feed):
    with_action(app, feed)
    email = RecordingChannel()
    make_dispatcher(app, Clock(dt.datetime(2026, 12, 11, 9, tzinfo=AMS)), email=email).run_once()
    assert email.sent == []
    assert [n["reason"] for n in app.overview(P)["skipped"]] == ["no longer useful: past due"] * 2


def test_late_messages_wait_for_the_end_of_the_quiet_hours(app, feed):
    with_action(app, feed)
    clock = Clock(dt.datetime(2026, 12, 8, 23, tzinfo=AMS))  # the service was down all day
    email = RecordingChannel()
    dispatcher = make_dispatcher(app, clock, email=email)
    dispatcher.run_once()
    assert email.sent == []
    (pending_first, _) = app.overview(P)["pending"]
    assert pending_first["send_at"] == dt.datetime(2026, 12, 9, 8, tzinfo=AMS)
    clock.now = dt.datetime(2026, 12, 9, 8, tzinfo=AMS)
    dispatcher.run_once()
    assert len(email.sent) == 1


def test_transient_failures_retry_with_backoff_then_fail_with_the_reason(app, feed):
    with_action(app, feed)
    clock = Clock(FIRST)
    email = RecordingChannel(failures=[DeliveryError("smtp 451")] * 5)
    dispatcher = make_dispatcher(app, clock, email=email)
    dispatcher.run_once()
    (pending, _) = app.overview(P)["pending"]
    assert pending["attempts"] == 1 and pending["send_at"] == FIRST + dt.timedelta(minutes=1)
    for minutes in (1, 5, 30):
        clock.advance(minutes=minutes - 0.5)
        assert dispatcher.run_once() == 0  # not yet
        clock.advance(minutes=0.5)
        assert dispatcher.run_once() == 1
    clock.advance(hours=2)
    dispatcher.run_once()
    (failed,) = app.overview(P)["failed"]
    assert failed["reason"] == "smtp 451" and failed["attempts"] == 5
    assert email.sent == []


def test_a_retry_that_succeeds_is_sent_once(app, feed):
    with_action(app, feed)
    clock = Clock(FIRST)
    email = RecordingChannel(failures=[DeliveryError("smtp unavailable: ConnectionRefusedError")])
    dispatcher = make_dispatcher(app, clock, email=email)
    dispatcher.run_once()
    clock.advance(minutes=1)
    dispatcher.run_once()
    assert len(email.sent) == 1
    (sent,) = app.overview(P)["sent"]
    assert sent["attempts"] == 2 and sent["history"][0]["what"] == "attempt failed"


def test_a_permanent_failure_tries_the_next_channel(app, feed):
    with_action(app, feed)
    feed(
        ContactPreferencesChanged(
            participant_id=P, channels=["email", "sms"], time_of_day="morning"
        )
    )
    email = RecordingChannel(failures=[DeliveryError("smtp 550", permanent=True)])
    sms = RecordingChannel()
    make_dispatcher(app, Clock(FIRST), email=email, sms=sms).run_once()
    assert email.sent == [] and sms.sent[0][0] == "+31612345678"
    assert app.overview(P)["sent"][0]["channel"] == "sms"


def test_no_address_and_no_channel_end_as_failed_and_opt_outs_as_skipped(app, feed):
    with_action(app, feed)
    dispatcher = make_dispatcher(app, Clock(FIRST))  # e-mail only
    dispatcher.directory.addresses = {"email": None}
    dispatcher.run_once()
    assert app.overview(P)["failed"][0]["reason"] == "sms is not configured"
    feed(
        ContactPreferencesChanged(
            participant_id=P, channels=["email"], time_of_day="morning", opted_out=["email"]
        )
    )
    make_dispatcher(app, Clock(SECOND)).run_once()
    assert app.overview(P)["skipped"][0]["reason"] == "the participant opted out of every channel"


def test_after_a_restart_the_due_index_is_rebuilt_and_sent_ones_stay_sent(tmp_path):
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(tmp_path / "n.sqlite"),
    }
    app = NotificationsApplication(env, details=FakeDetails())
    with_action(app, Feeder(app))
    email = RecordingChannel()
    make_dispatcher(app, Clock(FIRST), email=email).run_once()
    app.close()

    restarted = NotificationsApplication(env, details=FakeDetails())
    assert len(restarted.due) == 1
    make_dispatcher(restarted, Clock(FIRST), email=email).run_once()
    assert len(email.sent) == 1
    make_dispatcher(restarted, Clock(SECOND), email=email).run_once()
    assert len(email.sent) == 2 and len(restarted.due) == 0


class SlowChannel:
    """Takes a while per send, as SMTP or an SMS provider does; notes who overlapped."""

    needs_address = True

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.active: Counter[uuid.UUID] = Counter()
        self.most_at_once = 0
        self.most_at_once_for_one = 0
        self.sent: list[tuple[uuid.UUID, uuid.UUID]] = []

    def send(self, to, message, key, participant_id):
        with self.lock:
            self.active[participant_id] += 1
            self.most_at_once = max(self.most_at_once, sum(self.active.values()))
            self.most_at_once_for_one = max(self.most_at_once_for_one, self.active[participant_id])
            self.sent.append((participant_id, key))
        time.sleep(0.3)
        with self.lock:
            self.active[participant_id] -= 1


def test_participants_are_served_side_by_side_each_in_order(app, feed):
    participants = [uuid.uuid4() for _ in range(6)]
    for participant in participants:
        for minute in (0, 1):  # two celebrations each, a minute apart
            feed(earned(dt.datetime(2026, 12, 8, 10, minute, tzinfo=AMS), participant))
    email = SlowChannel()
    dispatcher = make_dispatcher(app, Clock(FIRST + dt.timedelta(hours=2)), 4, email=email)
    assert dispatcher.run_once() == 12
    # four sends at once (each takes 0.3 s, so the workers overlap), never two for the same
    # participant; asserted by who overlapped, not by a wall-clock bound a busy CI can break
    assert email.most_at_once == 4 and email.most_at_once_for_one == 1
    for participant in participants:
        in_order = [n["notification_id"] for n in app.overview(participant)["sent"]]
        assert [key for p, key in email.sent if p == participant] == in_order


def test_the_queue_counts_what_has_fallen_due(app, feed):
    with_action(app, feed)  # reminders at FIRST and SECOND
    for now, due in ((FIRST - dt.timedelta(minutes=1), 0), (FIRST, 1), (SECOND, 2)):
        assert app.pending_count(now) == {"pending": 2, "due": due}
        assert len(app.due.due(now)) == due


def test_no_reminder_is_sent_while_the_file_is_restricted(app, feed):
    with_action(app, feed)
    feed(ProcessingRestricted(participant_id=P, restricted_on=dt.date(2026, 12, 1)))
    email = RecordingChannel()
    dispatcher = make_dispatcher(app, Clock(FIRST), email=email)
    assert dispatcher.run_once() == 1
    assert email.sent == [] and dispatcher.directory.lookups == []  # no address asked either
    (skipped,) = app.overview(P)["skipped"]
    assert skipped["reason"] == "processing restricted (GDPR art. 18)"

    feed(RestrictionLifted(participant_id=P, lifted_on=dt.date(2026, 12, 9)))
    make_dispatcher(app, Clock(SECOND), email=email).run_once()
    assert len(email.sent) == 1  # the next reminder goes out again
