"""When to remind: early enough to still do the work, close enough to the deadline to motivate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class ReminderPolicy:
    days_before: tuple[int, ...] = (2, 0)
    """Default: two days before, and on the morning of the due date."""
    at: dt.time = dt.time(9, 0)
    """Mornings: the service principles put hard things early in the day."""
    timezone: str = "Europe/Amsterdam"

    def times_for(self, due_on: dt.date, planned_at: dt.datetime) -> list[dt.datetime]:
        zone = ZoneInfo(self.timezone)
        times = [
            dt.datetime.combine(due_on - dt.timedelta(days=days), self.at, tzinfo=zone)
            for days in self.days_before
        ]
        return sorted(t for t in times if t > planned_at)
