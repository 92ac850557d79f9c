"""Points in a participant's time with the programme: the intake measurement and the
follow-ups counted in months from it."""

from __future__ import annotations

import datetime as dt

from steiger.reporting.domain.progress import Progress

INTAKE_WINDOW = dt.timedelta(days=90)
"""The intake measurement is the first assessment within this time after registration."""


def months_after(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def registered_on(p: Progress) -> dt.date | None:
    registered = p.profile.get("registered_at")
    return registered.date() if isinstance(registered, dt.datetime) else registered
