"""The range each kind of date in a case can plausibly take, checked where a request comes in.

A date far outside it is a typing error or an attack, never a fact: year 1 or 9999 breaks
what is computed from it downstream (a cohort, a reward's year, a reminder's time). Ranges
that end near today are checked against the organisation's calendar when the request comes
(see `clock`), not when the service started.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field, WithJsonSchema

from steiger.shared import clock

EARLIEST = dt.date(2000, 1, 1)
"""Before any Mobility Mentoring programme, and before any file an organisation imports."""
GRACE = dt.timedelta(days=1)
"""A day that has happened may be today anywhere in the world."""
NOTICE = dt.timedelta(days=366)
"""How far ahead a change may be announced: a pause, an exit, a transfer from next month."""
HORIZON = dt.timedelta(days=10 * 366)
"""How far ahead a plan may reach: a long-term goal, a deadline, a meeting."""


def _within(day: dt.date, latest: dt.date, what: str) -> None:
    if not EARLIEST <= day <= latest:
        raise ValueError(f"{what} must lie between {EARLIEST} and {latest}")


def _past_day(day: dt.date) -> dt.date:
    _within(day, clock.today() + GRACE, "a day that has happened")
    return day


def _effective_day(day: dt.date) -> dt.date:
    _within(day, clock.today() + NOTICE, "the day a change takes effect")
    return day


def _planned_day(day: dt.date) -> dt.date:
    _within(day, clock.today() + HORIZON, "a planned day")
    return day


def _day_of(moment: dt.datetime) -> dt.date:
    try:
        return moment.astimezone(clock.zone()).date()
    except OverflowError:  # at the very edge of what a datetime holds: far out of any range
        return moment.date()


def _past_moment(moment: dt.datetime) -> dt.datetime:
    _within(_day_of(moment), clock.today() + GRACE, "a moment that has been")
    return moment


def _planned_moment(moment: dt.datetime) -> dt.datetime:
    _within(_day_of(moment), clock.today() + HORIZON, "a planned moment")
    return moment


PastDay = Annotated[
    dt.date,
    AfterValidator(_past_day),
    Field(description=f"from {EARLIEST} to tomorrow"),
]
"""A day something happened on: an intake, an achievement, a pause, a meeting held."""
EffectiveDay = Annotated[
    dt.date,
    AfterValidator(_effective_day),
    Field(description=f"from {EARLIEST} to a year ahead"),
]
"""The day a change of a participant's file takes effect: a pause, an exit, an assignment,
a consent; it may be announced ahead."""
PlannedDay = Annotated[
    dt.date,
    AfterValidator(_planned_day),
    Field(description=f"from {EARLIEST} to ten years ahead"),
]
"""A day in a plan: a deadline, a goal's `by when`; also a day to view things as of."""
PastMoment = Annotated[
    AwareDatetime,
    AfterValidator(_past_moment),
    Field(description=f"with its UTC offset, from {EARLIEST} to tomorrow"),
]
"""When something was done: an action completed, an assessment made."""
PlannedMoment = Annotated[
    AwareDatetime,
    AfterValidator(_planned_moment),
    Field(description=f"with its UTC offset, from {EARLIEST} to ten years ahead"),
]
"""When something is to happen: a meeting."""

LocalTime = Annotated[
    dt.time,
    WithJsonSchema(
        {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
         "examples": ["21:00"], "description": "a time of day where the organisation is"}
    ),
]  # fmt: skip
"""A time of day without an offset (quiet hours): JSON Schema's `format: time` would demand
one, so the schema says what is meant."""
