"""What registration accepts depends on the day it is asked, not on when the service started."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pydantic import ValidationError

from steiger.participant.schemas import RegistrationIn
from steiger.shared import clock

REGISTRATION = {
    "name": "Nieuwjaarsbaby",
    "municipality": "Zaanstad",
    "programme": "re-integration",
    "household": {"adults": 1},
}


def test_a_birth_year_may_not_lie_after_this_year_in_the_organisations_calendar():
    clock.configure(ZoneInfo("Europe/Amsterdam"))  # as the service's settings say
    # the schema was imported (and a service would have started) in 2026
    with time_machine.travel(dt.datetime(2026, 12, 31, 22, 30, tzinfo=dt.UTC), tick=False):
        with pytest.raises(ValidationError) as refused:  # 23:30 in Amsterdam: still 2026
            RegistrationIn.model_validate(REGISTRATION | {"birth_year": 2027})
        (error,) = refused.value.errors()
        assert error["loc"] == ("birth_year",) and "after this year" in error["msg"]
    with time_machine.travel(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC), tick=False):
        accepted = RegistrationIn.model_validate(REGISTRATION | {"birth_year": 2027})
        assert accepted.birth_year == 2027  # 00:30 on New Year's Day in Amsterdam


def test_a_birth_year_before_1900_is_refused():
    with pytest.raises(ValidationError) as refused:
        RegistrationIn.model_validate(REGISTRATION | {"birth_year": 1899})
    assert refused.value.errors()[0]["loc"] == ("birth_year",)
