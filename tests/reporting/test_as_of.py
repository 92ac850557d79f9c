"""Every view as of a past day, from the moments the facts happened."""

import datetime as dt
import uuid
from decimal import Decimal

from steiger.reporting.application import ReportingApplication

from .histories import (
    assessed,
    feed,
    goal_with_action,
    registered,
    research_consent,
    research_withdrawn,
)

D = dt.date


def test_progress_as_of_before_and_after_each_fact():
    app, p = ReportingApplication(), uuid.uuid4()
    feed(app, registered(p), research_consent(p))
    feed(app, assessed(p, "debts", 1, D(2026, 1, 10)), assessed(p, "debts", 3, D(2026, 6, 1)))
    feed(app, *goal_with_action(p, "debts", D(2026, 2, 1), D(2026, 3, 1), due_on=D(2026, 3, 15)))
    feed(app, research_withdrawn(p, D(2026, 7, 1)))

    january = app.progress(p, D(2026, 1, 31))
    assert january["bridge"]["columns"]["debts"]["latest"]["step"] == 1
    assert january["goals"] == [] and january["actions"] == []
    assert january["rewards"]["total"] == Decimal("0.00")
    assert [c["purpose"] for c in january["consents"]] == ["research"]

    february = app.progress(p, D(2026, 2, 15))
    assert [g["status"] for g in february["goals"]] == ["active"]
    assert [a["status"] for a in february["actions"]] == ["planned"]

    march = app.progress(p, D(2026, 3, 31))
    assert [g["status"] for g in march["goals"]] == ["achieved"]
    assert march["deadlines"]["met"] == 1 and march["rewards"]["total"] == Decimal("20.00")
    assert march["bridge"]["columns"]["debts"]["change_since_intake"] == 0

    summer = app.progress(p, D(2026, 7, 2))
    assert summer["bridge"]["columns"]["debts"]["change_since_intake"] == 8
    assert summer["consents"] == []


def test_an_action_open_past_its_due_date_is_missed_only_from_then():
    app, p = ReportingApplication(), uuid.uuid4()
    events = goal_with_action(p, "income", D(2026, 2, 1), D(2026, 4, 1), due_on=D(2026, 3, 1))
    feed(app, registered(p), *events)
    assert app.progress(p, D(2026, 2, 28))["deadlines"] == {
        "met": 0,
        "completed_late": 0,
        "missed": 0,
    }
    assert app.progress(p, D(2026, 3, 2))["deadlines"]["missed"] == 1  # overdue
    assert app.progress(p, D(2026, 4, 1))["deadlines"] == {
        "met": 0,
        "completed_late": 1,
        "missed": 0,
    }
