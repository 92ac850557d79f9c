"""When to meet: the service principle "hard conversations in the morning" (seed 000,
chapter 5: avoid more stress and cognitive load) and the participant's preferred time of day.

A difficult conversation (debts, a sanction, bad news) is best held in the morning, when the
day's worries have not yet used up the participant's bandwidth; any meeting is best at the
time of day the participant prefers. Suggested slots put those first; a meeting planned
against them is flagged, never refused: the mentor and participant decide.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

PartOfDay = Literal["morning", "afternoon", "evening"]
PARTS: dict[PartOfDay, tuple[dt.time, dt.time]] = {
    "morning": (dt.time(8, 0), dt.time(12, 0)),
    "afternoon": (dt.time(12, 0), dt.time(17, 0)),
    "evening": (dt.time(17, 0), dt.time(21, 0)),
}
SLOT_HOURS: dict[PartOfDay, tuple[int, ...]] = {
    "morning": (9, 10, 11),
    "afternoon": (13, 14, 15, 16),
    "evening": (18, 19),
}
NOT_IN_THE_MORNING = "difficult-conversation-not-in-the-morning"
AGAINST_PREFERENCE = "against-preferred-time-of-day"


def part_of_day(at: dt.datetime, zone: ZoneInfo) -> PartOfDay | None:
    local = at.astimezone(zone).time()
    return next((p for p, (start, end) in PARTS.items() if start <= local < end), None)


def timing_flags(
    at: dt.datetime, difficult: bool, preferred: PartOfDay | None, zone: ZoneInfo
) -> list[str]:
    """What a meeting at `at` goes against: the morning for a difficult conversation, the
    participant's preferred time of day (when known)."""
    part = part_of_day(at, zone)
    flags = []
    if difficult and part != "morning":
        flags.append(NOT_IN_THE_MORNING)
    if preferred is not None and part != preferred:
        flags.append(AGAINST_PREFERENCE)
    return flags


@dataclass(frozen=True)
class Slot:
    at: dt.datetime
    part_of_day: PartOfDay
    flags: tuple[str, ...]


def suggested_slots(
    first_day: dt.date,
    days: int,
    difficult: bool,
    preferred: PartOfDay | None,
    taken: list[dt.datetime],
    zone: ZoneInfo,
) -> list[Slot]:
    """Working-day slots from `first_day` on: those going against nothing first (for a
    difficult conversation mornings before anything else, then the preferred time of day),
    each group in time order; none within an hour of a meeting already planned."""
    order: list[PartOfDay] = []
    if difficult:
        order.append("morning")
    if preferred is not None and preferred not in order:
        order.append(preferred)
    order += [p for p in PARTS if p not in order]
    slots = []
    for offset in range(days):
        day = first_day + dt.timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for part in PARTS:
            for hour in SLOT_HOURS[part]:
                at = dt.datetime.combine(day, dt.time(hour), tzinfo=zone)
                if any(abs(at - t) < dt.timedelta(hours=1) for t in taken):
                    continue
                slots.append(Slot(at, part, tuple(timing_flags(at, difficult, preferred, zone))))
    return sorted(slots, key=lambda s: (len(s.flags), order.index(s.part_of_day), s.at))
