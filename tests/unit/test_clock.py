"""What day it is where the organisation is, whatever the server's clock is set to."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from steiger.shared import clock


def test_today_is_the_organisations_day_not_the_servers():
    with time_machine.travel(dt.datetime(2026, 11, 22, 23, 30, tzinfo=dt.UTC), tick=False):
        assert dt.datetime.now(dt.UTC).date() == dt.date(2026, 11, 22)
        clock.configure(ZoneInfo("Europe/Amsterdam"))
        assert clock.today() == dt.date(2026, 11, 23)
        clock.configure(ZoneInfo("America/Curacao"))  # Caribbean Netherlands: UTC-4
        assert clock.today() == dt.date(2026, 11, 22)
