"""The scheduling policy on dates and times we choose: no clock, no sleeping."""

import datetime as dt
from zoneinfo import ZoneInfo

from steiger.notifications.domain.timing import ContactWindow, ReminderPolicy

AMS = ZoneInfo("Europe/Amsterdam")
POLICY = ReminderPolicy()


def test_default_two_days_before_and_on_the_morning_in_local_time_across_summer_time():
    planned = dt.datetime(2026, 3, 20, 12, tzinfo=dt.UTC)
    times = POLICY.for_action(dt.date(2026, 3, 30), planned, ContactWindow())
    assert times == [
        dt.datetime(2026, 3, 28, 9, tzinfo=AMS),
        dt.datetime(2026, 3, 30, 9, tzinfo=AMS),
    ]
    # clocks go forward on 29 March 2026: 09:00 is 08:00 UTC before and 07:00 UTC after
    assert [t.astimezone(dt.UTC).hour for t in times] == [8, 7]


def test_winter_time_change_keeps_the_wall_clock_hour():
    planned = dt.datetime(2026, 10, 20, tzinfo=dt.UTC)
    window = ContactWindow(time_of_day="evening")
    times = POLICY.for_action(dt.date(2026, 10, 26), planned, window)
    assert [t.astimezone(AMS).hour for t in times] == [19, 19]
    assert [t.astimezone(dt.UTC).hour for t in times] == [17, 18]  # 24 Oct summer, 26 Oct winter


def test_moments_already_past_when_planned_are_not_scheduled():
    planned = dt.datetime(2026, 11, 29, 12, tzinfo=AMS)
    assert POLICY.for_action(dt.date(2026, 11, 30), planned, ContactWindow()) == [
        dt.datetime(2026, 11, 30, 9, tzinfo=AMS)
    ]


def test_preferred_time_of_day_and_another_time_zone():
    window = ContactWindow(time_of_day="afternoon", timezone="America/Curacao")
    (moment,) = ReminderPolicy(days_before=(1,)).for_action(
        dt.date(2026, 12, 10), dt.datetime(2026, 12, 1, tzinfo=dt.UTC), window
    )
    assert moment == dt.datetime(2026, 12, 9, 14, tzinfo=ZoneInfo("America/Curacao"))
    assert moment.astimezone(dt.UTC).hour == 18


def test_quiet_hours_across_midnight_push_a_moment_to_their_end():
    window = ContactWindow(quiet_from=dt.time(21), quiet_until=dt.time(8))
    assert window.is_quiet(dt.datetime(2026, 12, 1, 23, tzinfo=AMS))
    assert window.is_quiet(dt.datetime(2026, 12, 2, 7, 59, tzinfo=AMS))
    assert not window.is_quiet(dt.datetime(2026, 12, 2, 8, tzinfo=AMS))
    assert window.next_allowed(dt.datetime(2026, 12, 1, 22, 30, tzinfo=AMS)) == dt.datetime(
        2026, 12, 2, 8, tzinfo=AMS
    )
    assert window.next_allowed(dt.datetime(2026, 12, 2, 6, tzinfo=AMS)) == dt.datetime(
        2026, 12, 2, 8, tzinfo=AMS
    )


def test_quiet_hours_are_wall_clock_hours_on_the_night_the_clocks_go_forward():
    window = ContactWindow(quiet_from=dt.time(22), quiet_until=dt.time(8))
    # 01:30 UTC on 29 March 2026 is 03:30 summer time in Amsterdam (02:00-03:00 never existed)
    moment = dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)
    assert window.next_allowed(moment) == dt.datetime(2026, 3, 29, 8, tzinfo=AMS)
    assert window.next_allowed(moment).astimezone(dt.UTC).hour == 6


def test_a_preferred_moment_inside_quiet_hours_moves_out_of_them():
    window = ContactWindow(time_of_day="evening", quiet_from=dt.time(18), quiet_until=dt.time(9))
    assert window.preferred_moment(dt.date(2026, 12, 1)) == dt.datetime(2026, 12, 2, 9, tzinfo=AMS)


def test_without_quiet_hours_nothing_is_quiet():
    window = ContactWindow(quiet_from=None, quiet_until=None)
    assert not window.is_quiet(dt.datetime(2026, 12, 1, 3, tzinfo=AMS))


def test_meeting_reminders_come_before_the_meeting_even_an_early_one():
    window = ContactWindow()
    at = dt.datetime(2026, 12, 10, 10, tzinfo=AMS)
    times = POLICY.for_meeting(at, dt.datetime(2026, 12, 1, tzinfo=dt.UTC), window)
    # two days before at 09:00; on the day itself at the latest two hours before: 08:00
    assert times == [
        dt.datetime(2026, 12, 8, 9, tzinfo=AMS),
        dt.datetime(2026, 12, 10, 8, tzinfo=AMS),
    ]
    early = dt.datetime(2026, 12, 10, 9, tzinfo=AMS)  # two hours before is in the quiet hours
    assert POLICY.for_meeting(early, dt.datetime(2026, 12, 1, tzinfo=dt.UTC), window) == [
        dt.datetime(2026, 12, 8, 9, tzinfo=AMS)
    ]


def test_summary_the_next_day_and_celebrations_straight_away_outside_quiet_hours():
    window = ContactWindow(time_of_day="afternoon")
    assert POLICY.for_summary(dt.date(2026, 12, 31), window) == dt.datetime(
        2027, 1, 1, 14, tzinfo=AMS
    )
    late_evening = dt.datetime(2026, 12, 1, 22, tzinfo=AMS)
    assert POLICY.for_celebration(late_evening, window) == dt.datetime(2026, 12, 2, 8, tzinfo=AMS)
    noon = dt.datetime(2026, 12, 1, 12, tzinfo=AMS)
    assert POLICY.for_celebration(noon, window) == noon
