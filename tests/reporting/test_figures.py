"""Dashboards, caseloads and the exchange-network dataset over a constructed population."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from steiger.reporting.application import ReportingApplication
from steiger.reporting.exchange import dataset, last_completed_quarter, period_bounds
from steiger.shared.contracts.planning import MeetingHeld

from .histories import (
    assessed,
    feed,
    goal_with_action,
    mentor,
    registered,
    research_consent,
    research_withdrawn,
)

D = dt.date
MENTOR = uuid.uuid4()


@pytest.fixture(scope="module")
def population():
    """Seven in debt-help (Noord), three in work-first (Oost); all but one consent to
    research; debt-help people climb from step 1 to 3 on debts."""
    app, people = ReportingApplication(), {"debt-help": [], "work-first": []}
    for n in range(10):
        p = uuid.uuid4()
        programme = "debt-help" if n < 7 else "work-first"
        people[programme].append(p)
        feed(app, registered(p, programme, D(2026, 1, 5), "Noord" if n < 7 else "Oost"))
        if n != 0:
            feed(app, research_consent(p))
        if n < 4:
            feed(app, mentor(p, MENTOR))
        feed(app, assessed(p, "debts", 1, D(2026, 1, 10)))
        if programme == "debt-help":
            feed(app, assessed(p, "debts", 3 if n % 2 else 2, D(2026, 5, 1)))
            feed(app, *goal_with_action(p, "debts", D(2026, 2, 1), D(2026, 4, 1), D(2026, 4, 15)))
    return app, people


def test_dashboard_by_programme_intake_against_latest(population):
    app, _ = population
    board = app.dashboard("programme", D(2026, 6, 30), None, 3)
    debt = board["groups"]["debt-help"]
    assert debt["participants"] == 7
    assert debt["columns"]["debts"]["intake"] == {1: 7}
    assert debt["columns"]["debts"]["latest"] == {2: 4, 3: 3}
    assert debt["columns"]["debts"]["at_or_above_step_3"] == {"intake": 0.0, "latest": 0.429}
    assert debt["goals"] == {"set": 7, "achieved": 7, "discontinued": 0, "active": 0}
    assert debt["deadlines"]["met"] == 7 and debt["rewards_total"] == Decimal("140.00")
    assert debt["median_days_in_programme"] == 176
    assert board["groups"]["work-first"]["columns"]["debts"]["latest"] == {1: 3}


def test_dashboards_by_neighbourhood_as_of_and_for_a_period(population):
    app, _ = population
    march = app.dashboard("neighbourhood", D(2026, 3, 1), None, 3)
    assert march["groups"]["Noord"]["columns"]["debts"]["latest"] == {1: 7}
    assert march["groups"]["Noord"]["goals"]["achieved"] == 0
    assert app.dashboard("cohort", D(2026, 6, 30), D(2026, 2, 1), 3)["groups"] == {}


def test_a_mentors_caseload(population):
    app, people = population
    rows = app.caseload(MENTOR, D(2026, 6, 30))["participants"]
    assert {r["participant_id"] for r in rows} == set(people["debt-help"][:4])
    assert all(r["open_actions"] == 0 and r["bridge_change_since_intake"] > 0 for r in rows)


def test_a_caseload_follows_assignments_made_after_it_was_first_read(population):
    app, people = population
    other = uuid.uuid4()
    assert app.caseload(other, D(2026, 6, 30))["participants"] == []  # the index is built
    moved, newcomer = people["debt-help"][0], people["work-first"][0]
    feed(app, mentor(moved, other, D(2026, 7, 1)), mentor(newcomer, other, D(2026, 7, 1)))
    mine = {r["participant_id"] for r in app.caseload(other, D(2026, 7, 2))["participants"]}
    assert mine == {moved, newcomer}
    before = {r["participant_id"] for r in app.caseload(MENTOR, D(2026, 6, 30))["participants"]}
    after = {r["participant_id"] for r in app.caseload(MENTOR, D(2026, 7, 2))["participants"]}
    assert moved in before and moved not in after


def test_several_caseloads_in_one_list_keep_up_with_new_events(population):
    app, people = population
    other = uuid.uuid4()
    feed(app, mentor(people["work-first"][0], other, D(2026, 1, 5)))
    rows = [row for row, _ in app.caseloads([str(MENTOR), str(other)], D(2026, 6, 30))]
    assert {(r["participant_id"], r["mentor_id"]) for r in rows} == {
        *((p, str(MENTOR)) for p in people["debt-help"][:4]),
        (people["work-first"][0], str(other)),
    }
    first = people["debt-help"][0]
    before = next(r for r in rows if r["participant_id"] == first)
    # a line kept from the first read gives way to the participant's next event
    planned = goal_with_action(first, "income", D(2026, 6, 1), D(2026, 6, 2), D(2026, 9, 1))[:2]
    feed(app, *planned)  # a goal and an action, not done yet
    again = [row for row, _ in app.caseloads([str(MENTOR)], D(2026, 6, 30))]
    after = next(r for r in again if r["participant_id"] == first)
    assert before["open_actions"] == 0 and after["open_actions"] == 1
    assert before["next_action_due"] is None and after["next_action_due"] == D(2026, 9, 1)
    held = MeetingHeld(participant_id=first, meeting_id=uuid.uuid4(), held_on=D(2026, 6, 10),
                       duration_minutes=60, crisis_minutes=10, goal_minutes=50)  # fmt: skip
    feed(app, held)
    (line,) = [
        r for r, _ in app.caseloads([str(MENTOR)], D(2026, 6, 30)) if r["participant_id"] == first
    ]
    assert line["last_meeting"] == D(2026, 6, 10)


def test_exchange_rows_only_research_consent_and_small_cells_suppressed(population):
    app, _ = population
    data = dataset(app.everyone(), "00000001234567890000", "2026-Q2")
    debt, work = data.rows
    assert (debt.programme, debt.participants, debt.suppressed) == ("debt-help", 6, False)
    assert debt.goals_achieved_in_period == 6  # achieved 1 April: in Q2
    assert debt.share_deadlines_met == 1.0 and debt.share_improved == 1.0
    assert debt.rewards_earned_in_period == Decimal("120.00")
    assert debt.new_participants == 0  # intake in January
    assert (work.programme, work.participants, work.suppressed) == ("work-first", None, True)
    assert work.mean_bridge_change_since_intake is None and work.share_improved is None
    # a suppressed cell publishes its keys and nothing else: no count, however small
    published = work.model_dump(exclude={"organisation", "programme", "period_start", "period_end"})
    assert published == {"suppressed": True} | {k: None for k in published if k != "suppressed"}
    q1 = dataset(app.everyone(), "00000001234567890000", "2026-Q1").rows[0]
    assert q1.goals_achieved_in_period == 0 and q1.new_participants == 6


def test_withdrawn_research_consent_removes_a_participant_from_later_datasets(population):
    app, people = population
    feed(app, research_withdrawn(people["debt-help"][1], D(2026, 7, 15)))
    q2 = dataset(app.everyone(), "x", "2026-Q2").rows[0]
    q3 = dataset(app.everyone(), "x", "2026-Q3").rows[0]
    assert (q2.participants, q3.participants) == (6, 5)
    feed(app, research_withdrawn(people["debt-help"][2], D(2026, 8, 1)))
    q3 = dataset(app.everyone(), "x", "2026-Q3").rows[0]
    assert (q3.participants, q3.suppressed, q3.share_improved) == (None, True, None)


@pytest.mark.parametrize(
    ("period", "bounds"),
    [
        ("2026", (D(2026, 1, 1), D(2026, 12, 31))),
        ("2026-Q4", (D(2026, 10, 1), D(2026, 12, 31))),
        ("2026-02", (D(2026, 2, 1), D(2026, 2, 28))),
        ("2026-12", (D(2026, 12, 1), D(2026, 12, 31))),
    ],
)
def test_periods(period, bounds):
    assert period_bounds(period) == bounds


def test_the_last_completed_quarter():
    assert last_completed_quarter(D(2026, 11, 22)) == "2026-Q3"
    assert last_completed_quarter(D(2027, 2, 1)) == "2026-Q4"
