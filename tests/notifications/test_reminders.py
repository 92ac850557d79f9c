import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from eventsourcing.persistence import Tracking

from steiger.notifications.application import NotificationsApplication
from steiger.notifications.domain.reminder_policy import ReminderPolicy
from steiger.shared.contracts.planning import ActionCompleted, ActionPlanned

AMS = ZoneInfo("Europe/Amsterdam")


def test_default_reminders_two_days_before_and_on_the_morning_in_local_time():
    planned = dt.datetime(2026, 3, 20, 12, tzinfo=dt.UTC)
    times = ReminderPolicy().times_for(dt.date(2026, 3, 30), planned)
    assert times == [
        dt.datetime(2026, 3, 28, 9, tzinfo=AMS),
        dt.datetime(2026, 3, 30, 9, tzinfo=AMS),
    ]
    # 30 March 2026 is after the change to summer time: 09:00 there is 07:00 UTC, not 08:00.
    assert times[1].astimezone(dt.UTC).hour == 7
    assert times[0].astimezone(dt.UTC).hour == 8


def test_moments_already_past_when_planned_are_not_scheduled():
    planned = dt.datetime(2026, 11, 29, 12, tzinfo=AMS)
    assert ReminderPolicy().times_for(dt.date(2026, 11, 30), planned) == [
        dt.datetime(2026, 11, 30, 9, tzinfo=AMS)
    ]


def test_planned_actions_get_reminders_and_completed_ones_lose_them():
    app = NotificationsApplication()
    participant, action = uuid.uuid4(), uuid.uuid4()
    planned = ActionPlanned(
        participant_id=participant,
        action_id=action,
        goal_id=uuid.uuid4(),
        column="debts",
        owner="participant",
        due_on=dt.date(2026, 12, 10),
        planned_at=dt.datetime(2026, 11, 22, tzinfo=dt.UTC),
    )
    app.process_event(planned, Tracking("planning#0", 1))
    assert [r["status"] for r in app.reminders(participant)["reminders"]] == ["pending", "pending"]
    app.process_event(
        ActionCompleted(
            participant_id=participant,
            action_id=action,
            goal_id=planned.goal_id,
            column="debts",
            due_on=planned.due_on,
            completed_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
            on_time=True,
        ),
        Tracking("planning#0", 2),
    )
    assert [r["status"] for r in app.reminders(participant)["reminders"]] == ["cancelled"] * 2
