"""Enrolment anniversaries (once) and figures per month, programme and column."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from eventsourcing.persistence import Tracking

from steiger.rewards.application import RewardsApplication
from steiger.rewards.menus import load_menu
from steiger.rewards.settings import Settings
from steiger.shared.contracts.participant import Household, ParticipantRegistered
from steiger.shared.contracts.planning import ActionCompleted
from steiger.shared.eventstore import store_environment

AMS = dt.timezone(dt.timedelta(hours=1))


def enrol(app, participant, programme, on, n):
    app.process_event(
        ParticipantRegistered(
            participant_id=participant,
            programme=programme,
            cohort=f"{on:%Y-%m}",
            municipality="Leiden",
            household=Household(adults=1),
            registered_at=dt.datetime.combine(on, dt.time(10), AMS),
        ),
        Tracking("p#0", n),
    )


def test_the_first_anniversary_earns_once_also_after_a_restart(tmp_path):
    settings = Settings(var_dir=tmp_path)
    app = RewardsApplication(store_environment(settings), load_menu())
    p = uuid.uuid4()
    enrol(app, p, "debt-help", dt.date(2025, 11, 23), 1)
    assert app.award_anniversaries(dt.date(2026, 11, 22)) == 0  # one day short of a year
    assert app.award_anniversaries(dt.date(2026, 11, 23)) == 1
    assert app.award_anniversaries(dt.date(2026, 11, 24)) == 0
    app.close()
    restarted = RewardsApplication(store_environment(settings), load_menu())
    assert restarted.award_anniversaries(dt.date(2027, 11, 23)) == 0
    earned = restarted.rewards(p)["earned"]
    assert [(e["item_id"], e["amount"]) for e in earned] == [
        ("programme-anniversary", Decimal("25.00"))
    ]


def test_figures_per_month_programme_and_column():
    app = RewardsApplication(menu=load_menu())
    a, b = uuid.uuid4(), uuid.uuid4()
    enrol(app, a, "debt-help", dt.date(2026, 1, 5), 1)
    enrol(app, b, "young-people", dt.date(2026, 1, 6), 2)
    n = 10
    for participant, item, day in (
        (a, "digid-applied", 3),
        (a, "all-mail-opened", 3),
        (b, "digid-applied", 4),
        (a, "digid-applied", 5),
    ):
        n += 1
        app.process_event(
            ActionCompleted(
                participant_id=participant,
                action_id=uuid.uuid4(),
                goal_id=uuid.uuid4(),
                column=None,
                due_on=dt.date(2026, day, 1),
                on_time=True,
                reward_item=item,
                completed_at=dt.datetime(2026, day, 1, 10, tzinfo=AMS),
            ),
            Tracking("pl#0", n),
        )
    first = app.rewards(a)["earned"][0]["reward_id"]
    app.issue(a, first, "V-1", "anna", dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
    rows = {(r["month"], r["programme"], r["column"]): r for r in app.figures(2026)["rows"]}
    assert rows[("2026-03", "debt-help", "income")]["earned"] == Decimal("20.00")
    assert rows[("2026-03", "debt-help", "income")]["issued"] == Decimal("20.00")
    assert rows[("2026-03", "debt-help", "debts")]["earned"] == Decimal("15.00")
    assert rows[("2026-04", "young-people", "income")]["earned"] == Decimal("20.00")
    assert app.figures(2025)["rows"] == []
