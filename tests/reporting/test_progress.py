import datetime as dt
import uuid
from decimal import Decimal

from eventsourcing.persistence import Tracking

from steiger.reporting.application import ReportingApplication
from steiger.reporting.projections import LatestViews
from steiger.shared.contracts.bridge import PositionRecorded
from steiger.shared.contracts.planning import ActionCompleted, ActionPlanned, GoalSet
from steiger.shared.contracts.rewards import RewardEarned

T0 = dt.datetime(2026, 8, 1, 10, tzinfo=dt.UTC)


def position(p, column, step, at):
    return PositionRecorded(
        participant_id=p,
        assessment_id=uuid.uuid4(),
        definition_id="nl-alphen",
        definition_version="2017-09-07",
        column=column,
        step=step,
        points=step,
        assessed_at=at,
    )


def test_progress_from_events_arriving_out_of_order_across_services():
    app = ReportingApplication()
    p, goal, action = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    later = T0 + dt.timedelta(days=90)
    events = [
        # the reward (rewards topic) arrives before the completion (planning topic) ...
        (
            "rewards.events#0",
            RewardEarned(
                participant_id=p,
                reward_id=uuid.uuid4(),
                item_id="digid-applied",
                rule="r",
                trigger="t",
                amount=Decimal("20.00"),
                currency="EUR",
                column="income",
                earned_at=later,
            ),
        ),
        # ... and the follow-up assessment before the intake (another partition of bridge)
        ("bridge.events#1", position(p, "debts", 3, later)),
        ("bridge.events#0", position(p, "debts", 1, T0)),
        ("bridge.events#0", position(p, "income", 2, T0)),
        (
            "planning.events#0",
            GoalSet(
                participant_id=p,
                goal_id=goal,
                horizon="short",
                column="debts",
                target_step=3,
                set_at=T0,
            ),
        ),
        (
            "planning.events#0",
            ActionPlanned(
                participant_id=p,
                action_id=action,
                goal_id=goal,
                column="debts",
                owner="participant",
                due_on=dt.date(2026, 9, 1),
                planned_at=T0,
            ),
        ),
        (
            "planning.events#0",
            ActionCompleted(
                participant_id=p,
                action_id=action,
                goal_id=goal,
                column="debts",
                due_on=dt.date(2026, 9, 1),
                completed_at=later,
                on_time=False,
            ),
        ),
    ]
    for n, (stream, event) in enumerate(events, start=1):
        app.process_event(event, Tracking(stream, n))
    view = app.progress(p, as_of=dt.date(2026, 11, 22))
    debts = view["bridge"]["columns"]["debts"]
    assert (debts["intake"]["step"], debts["latest"]["step"], debts["change_since_intake"]) == (
        1,
        3,
        2,
    )
    assert view["bridge"]["total_points"] == 5
    assert view["deadlines"] == {"met": 0, "completed_late": 1, "missed": 0}
    assert view["rewards"]["total"] == Decimal("20.00")


def test_an_open_action_past_its_due_date_counts_as_missed():
    app = ReportingApplication()
    p = uuid.uuid4()
    app.process_event(
        ActionPlanned(
            participant_id=p,
            action_id=uuid.uuid4(),
            goal_id=uuid.uuid4(),
            column=None,
            owner="participant",
            due_on=dt.date(2026, 11, 1),
            planned_at=T0,
        ),
        Tracking("planning#0", 1),
    )
    assert app.progress(p, as_of=dt.date(2026, 11, 22))["deadlines"]["missed"] == 1
    assert app.progress(p, as_of=dt.date(2026, 10, 22))["deadlines"]["missed"] == 0


def test_a_view_is_computed_once_per_change_and_never_served_stale():
    app, p = ReportingApplication(), uuid.uuid4()
    app.process_event(position(p, "debts", 1, T0), Tracking("bridge.events#0", 1))
    as_of = (T0 + dt.timedelta(days=1)).date()
    first = app.progress(p, as_of)
    assert app.progress(p, as_of) is first  # nothing happened in between: the same view
    later = T0 + dt.timedelta(hours=2)
    app.process_event(position(p, "debts", 4, later), Tracking("bridge.events#0", 2))
    again = app.progress(p, as_of)
    assert again is not first and again != first


def test_a_view_computed_while_an_event_arrives_is_not_kept_as_the_latest():
    views, progress_id, day = LatestViews(), uuid.uuid4(), T0.date()
    views.changed(progress_id, 3)  # the consumer wrote version 3 while a read held version 2
    views.put(progress_id, day, 2, {"version": 2})
    assert views.get(progress_id, day) is None
    views.put(progress_id, day, 3, {"version": 3})
    assert views.get(progress_id, day).view == {"version": 3}
    assert views.get(progress_id, day + dt.timedelta(days=1)) is None  # another day: computed
