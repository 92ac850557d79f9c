"""What notifications schedules, moves and cancels as participant, planning and rewards
events arrive."""

import datetime as dt
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

from steiger.shared.contracts.participant import (
    ContactPreferencesChanged,
    ParticipantErased,
    ParticipantStatusChanged,
)
from steiger.shared.contracts.planning import (
    ActionCompleted,
    ActionPlanned,
    ActionRescheduled,
    GoalAchieved,
    MeetingHeld,
    MeetingScheduled,
)
from steiger.shared.contracts.rewards import RewardEarned
from steiger.shared.occurrence import occurring

AMS = ZoneInfo("Europe/Amsterdam")
P = uuid.UUID("5b3f1f0e-0000-4000-8000-000000000001")
GOAL = uuid.uuid4()
PLANNED_AT = dt.datetime(2026, 11, 22, 10, tzinfo=AMS)


def planned(action_id, due_on=dt.date(2026, 12, 10), owner="participant"):
    return ActionPlanned(
        participant_id=P,
        action_id=action_id,
        goal_id=GOAL,
        column="debts",
        owner=owner,
        due_on=due_on,
        planned_at=PLANNED_AT,
    )


def earned(earned_at, participant_id=P):
    return RewardEarned(
        participant_id=participant_id,
        reward_id=uuid.uuid4(),
        item_id="digid-applied",
        rule="action-completed:digid-applied",
        trigger=f"action-completed:{uuid.uuid4()}",
        amount=Decimal("20.00"),
        currency="EUR",
        column="income",
        earned_at=earned_at,
    )


def kinds_and_times(app, status="pending"):
    return [(n["kind"], n["send_at"]) for n in app.overview(P)[status]]


def test_planned_actions_get_two_reminders_and_completed_ones_lose_them(app, feed):
    action = uuid.uuid4()
    feed(planned(action))
    assert kinds_and_times(app) == [
        ("action-reminder", dt.datetime(2026, 12, 8, 9, tzinfo=AMS)),
        ("action-reminder", dt.datetime(2026, 12, 10, 9, tzinfo=AMS)),
    ]
    feed(
        ActionCompleted(
            participant_id=P,
            action_id=action,
            goal_id=GOAL,
            column="debts",
            due_on=dt.date(2026, 12, 10),
            completed_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
            on_time=True,
        )
    )
    overview = app.overview(P)
    assert overview["pending"] == []
    assert [n["reason"] for n in overview["cancelled"]] == ["action completed"] * 2
    assert len(app.due) == 0


def test_a_rescheduled_action_moves_its_reminders(app, feed):
    action = uuid.uuid4()
    feed(planned(action))
    feed(
        ActionRescheduled(
            participant_id=P,
            action_id=action,
            goal_id=GOAL,
            due_on=dt.date(2026, 12, 17),
            previous_due_on=dt.date(2026, 12, 10),
            rescheduled_at=PLANNED_AT + dt.timedelta(days=1),
        )
    )
    assert kinds_and_times(app) == [
        ("action-reminder", dt.datetime(2026, 12, 15, 9, tzinfo=AMS)),
        ("action-reminder", dt.datetime(2026, 12, 17, 9, tzinfo=AMS)),
    ]
    assert [n["reason"] for n in app.overview(P)["cancelled"]] == ["action rescheduled"] * 2


def test_steps_for_the_mentor_or_a_partner_remind_no_one_but_appear_in_the_agenda(app, feed):
    action = uuid.uuid4()
    feed(planned(action, owner="mentor"))
    assert kinds_and_times(app) == []
    assert action in app.notifications_of(P).open_actions


def test_the_same_event_twice_schedules_once(app, feed):
    event = planned(uuid.uuid4())
    feed(event, event)
    assert len(kinds_and_times(app)) == 2


def test_meetings_get_reminders_and_a_summary_the_next_day_once_held(app, feed):
    meeting = uuid.uuid4()
    at = dt.datetime(2026, 12, 10, 14, tzinfo=AMS)
    feed(MeetingScheduled(participant_id=P, meeting_id=meeting, at=at, scheduled_at=PLANNED_AT))
    assert kinds_and_times(app) == [
        ("meeting-reminder", dt.datetime(2026, 12, 8, 9, tzinfo=AMS)),
        ("meeting-reminder", dt.datetime(2026, 12, 10, 9, tzinfo=AMS)),
    ]
    feed(
        MeetingHeld(
            participant_id=P,
            meeting_id=meeting,
            held_on=dt.date(2026, 12, 10),
            duration_minutes=60,
            crisis_minutes=20,
            goal_minutes=40,
        )
    )
    assert kinds_and_times(app) == [("meeting-summary", dt.datetime(2026, 12, 11, 9, tzinfo=AMS))]


def test_achieved_goals_and_earned_rewards_are_celebrated(app, feed):
    feed(
        GoalAchieved(
            participant_id=P, goal_id=GOAL, column="debts", achieved_on=dt.date(2026, 12, 1)
        )
    )
    at = dt.datetime(2026, 12, 1, 15, tzinfo=AMS)
    feed(earned(at))
    assert kinds_and_times(app) == [
        ("goal-achieved", dt.datetime(2026, 12, 1, 8, tzinfo=AMS)),  # end of the quiet hours
        ("reward-earned", at),
    ]


def test_new_contact_preferences_retime_what_is_pending(app, feed):
    feed(planned(uuid.uuid4()))
    feed(
        ContactPreferencesChanged(
            participant_id=P,
            channels=["sms"],
            time_of_day="evening",
            quiet_from=dt.time(22),
            quiet_until=dt.time(7),
            opted_out=["email"],
        )
    )
    assert kinds_and_times(app) == [
        ("action-reminder", dt.datetime(2026, 12, 8, 19, tzinfo=AMS)),
        ("action-reminder", dt.datetime(2026, 12, 10, 19, tzinfo=AMS)),
    ]
    assert app.overview(P)["channels"] == ["sms"]


def test_a_pause_or_an_erasure_cancels_everything_and_schedules_nothing_new(app, feed):
    feed(planned(uuid.uuid4()))
    feed(
        ParticipantStatusChanged(
            participant_id=P, status="paused", changed_on=dt.date(2026, 11, 23)
        )
    )
    assert kinds_and_times(app) == []
    feed(planned(uuid.uuid4()))
    assert kinds_and_times(app) == []
    resumed(feed, dt.datetime(2026, 11, 24, 10, tzinfo=AMS))
    assert len(kinds_and_times(app)) == 4  # both open actions, reminded again
    feed(planned(uuid.uuid4()))
    assert len(kinds_and_times(app)) == 6
    feed(ParticipantErased(participant_id=P, erased_on=dt.date(2026, 11, 25)))
    assert kinds_and_times(app) == []
    assert app.notifications_of(P).open_actions == {}


def resumed(feed, at):
    event = ParticipantStatusChanged(participant_id=P, status="active", changed_on=at.date())
    with occurring([(event, at)]):
        feed(event)


def test_returning_without_penalty_reminds_again_of_what_is_still_ahead(app, feed):
    """Reminders come back on resuming, from that moment on: none for a moment already past,
    none for a mentor's step, none for what was completed meanwhile; meetings too."""
    early, later, mentors, done = (uuid.uuid4() for _ in range(4))
    feed(planned(early, due_on=dt.date(2026, 12, 2)), planned(later),
         planned(mentors, owner="mentor"), planned(done))  # fmt: skip
    meeting = uuid.uuid4()
    feed(
        MeetingScheduled(
            participant_id=P,
            meeting_id=meeting,
            at=dt.datetime(2026, 12, 15, 14, tzinfo=AMS),
            scheduled_at=PLANNED_AT,
        )  # fmt: skip
    )
    before = kinds_and_times(app)
    feed(
        ParticipantStatusChanged(
            participant_id=P, status="paused", changed_on=dt.date(2026, 11, 25)
        )
    )
    feed(
        ActionCompleted(
            participant_id=P,
            action_id=done,
            goal_id=GOAL,
            column="debts",
            due_on=dt.date(2026, 12, 10),
            completed_at=dt.datetime(2026, 11, 29, tzinfo=dt.UTC),
            on_time=True,
        )  # fmt: skip
    )
    resumed(feed, dt.datetime(2026, 12, 1, 12, tzinfo=AMS))
    again = kinds_and_times(app)
    assert ("action-reminder", dt.datetime(2026, 11, 30, 9, tzinfo=AMS)) in before
    meetings = [m for m in before if m[0] == "meeting-reminder"]
    assert meetings and all(at > dt.datetime(2026, 12, 1, 12, tzinfo=AMS) for _, at in meetings)
    assert sorted(again) == sorted(
        [
            ("action-reminder", dt.datetime(2026, 12, 2, 9, tzinfo=AMS)),  # 30 Nov has passed
            ("action-reminder", dt.datetime(2026, 12, 8, 9, tzinfo=AMS)),
            ("action-reminder", dt.datetime(2026, 12, 10, 9, tzinfo=AMS)),
            *meetings,
        ]
    )
    about = {n["about"] for n in app.overview(P)["pending"]}
    assert about == {early, later, meeting}
    resumed(feed, dt.datetime(2026, 12, 1, 13, tzinfo=AMS))  # redelivered: nothing twice
    assert sorted(kinds_and_times(app)) == sorted(again)
