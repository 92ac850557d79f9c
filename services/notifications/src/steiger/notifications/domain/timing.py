"""When a message may go out: the participant's time of day, quiet hours and time zone, and
the organisation's reminder policy. Pure functions of dates and times; no clock is read here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

TIMES_OF_DAY = {"morning": dt.time(9, 0), "afternoon": dt.time(14, 0), "evening": dt.time(19, 0)}
"""Mornings are the default: the service principles put demanding things early in the day."""


@dataclass(frozen=True)
class ContactWindow:
    """A participant's preferred moment of the day and quiet hours, in their time zone."""

    time_of_day: str = "morning"
    quiet_from: dt.time | None = dt.time(21, 0)
    quiet_until: dt.time | None = dt.time(8, 0)
    timezone: str = "Europe/Amsterdam"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def preferred_moment(self, day: dt.date) -> dt.datetime:
        return self.next_allowed(
            dt.datetime.combine(day, TIMES_OF_DAY[self.time_of_day], tzinfo=self.zone)
        )

    def is_quiet(self, moment: dt.datetime) -> bool:
        if self.quiet_from is None or self.quiet_until is None:
            return False
        local = moment.astimezone(self.zone).time()
        if self.quiet_from <= self.quiet_until:
            return self.quiet_from <= local < self.quiet_until
        return local >= self.quiet_from or local < self.quiet_until  # across midnight

    def next_allowed(self, moment: dt.datetime) -> dt.datetime:
        """`moment` itself, or the end of the quiet hours it falls in (local wall time, so a
        daylight-saving change moves the UTC instant, not the hour on the clock)."""
        if not self.is_quiet(moment):
            return moment
        assert self.quiet_until is not None
        local = moment.astimezone(self.zone)
        day = local.date() if local.time() < self.quiet_until else local.date() + dt.timedelta(1)
        return dt.datetime.combine(day, self.quiet_until, tzinfo=self.zone)


@dataclass(frozen=True)
class ReminderPolicy:
    """The organisation's policy; default: two days before and on the morning of the day."""

    days_before: tuple[int, ...] = (2, 0)
    meeting_lead: dt.timedelta = dt.timedelta(hours=2)
    """A same-day meeting reminder goes out at the latest this long before the meeting."""

    def for_action(
        self, due_on: dt.date, planned_at: dt.datetime, window: ContactWindow
    ) -> list[dt.datetime]:
        moments = {window.preferred_moment(due_on - dt.timedelta(days=d)) for d in self.days_before}
        return sorted(
            m for m in moments if m > planned_at and m.astimezone(window.zone).date() <= due_on
        )

    def for_meeting(
        self, at: dt.datetime, scheduled_at: dt.datetime, window: ContactWindow
    ) -> list[dt.datetime]:
        day = at.astimezone(window.zone).date()
        moments = set()
        for days in self.days_before:
            moment = window.preferred_moment(day - dt.timedelta(days=days))
            if moment > at - self.meeting_lead:
                moment = at - self.meeting_lead
                if window.is_quiet(moment):
                    continue  # no reminder in the night before an early meeting
            moments.add(moment)
        return sorted(m for m in moments if scheduled_at < m < at)

    @staticmethod
    def for_summary(held_on: dt.date, window: ContactWindow) -> dt.datetime:
        """The next-day summary, at the participant's moment of the day after the meeting."""
        return window.preferred_moment(held_on + dt.timedelta(days=1))

    @staticmethod
    def for_celebration(happened_at: dt.datetime, window: ContactWindow) -> dt.datetime:
        """Celebrations go out straight away, unless that is in the quiet hours."""
        return window.next_allowed(happened_at)
