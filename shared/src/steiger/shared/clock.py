"""What day it is where the organisation is.

A server's clock is often set to UTC; between 22:00 or 23:00 and midnight UTC it is already
tomorrow in the Netherlands. Every default date (an achievement "today", a pause "today", a
view "as of today") asks this module, so they all agree with the organisation's calendar.
The composition root sets the zone from `STEIGER_TIMEZONE` when a service starts."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

_zone = ZoneInfo("Europe/Amsterdam")


def configure(zone: ZoneInfo) -> None:
    global _zone
    _zone = zone


def zone() -> ZoneInfo:
    return _zone


def today() -> dt.date:
    return dt.datetime.now(_zone).date()
