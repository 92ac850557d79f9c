"""Returning without penalty (the method's service principle): during a pause no action
counts as missed, and an action due in the pause stays open to be rescheduled; after
resuming, the plan continues where it was."""

from __future__ import annotations

import datetime as dt
import uuid

from eventsourcing.persistence import Tracking

from steiger.planning.application import PlanningApplication
from steiger.planning.settings import Settings
from steiger.shared.contracts.participant import ParticipantStatusChanged
from steiger.shared.eventstore import store_environment


def status(app, participant, value, on, position):
    event = ParticipantStatusChanged(participant_id=participant, status=value, changed_on=on)
    app.process_event(event, Tracking("participant#0", position))


def test_nothing_due_in_a_pause_counts_as_missed(tmp_path):
    settings = Settings(var_dir=tmp_path)
    app = PlanningApplication(store_environment(settings))
    p = uuid.uuid4()
    g = app.set_goal(p, "Schulden in beeld", "short", "debts", 2)
    before = app.plan_action(g, "Map maken", "participant", dt.date(2026, 11, 9), None)
    during = app.plan_action(g, "Bellen", "participant", dt.date(2026, 11, 20), None)
    after = app.plan_action(g, "Brief sturen", "participant", dt.date(2026, 12, 10), None)
    status(app, p, "paused", dt.date(2026, 11, 10), 1)
    assert app.detect_missed_actions(dt.date(2026, 11, 25)) == 0  # paused: nothing counts
    status(app, p, "active", dt.date(2026, 12, 1), 2)
    status(app, p, "active", dt.date(2026, 12, 1), 3)  # redelivered: harmless
    app.close()

    back = PlanningApplication(store_environment(settings))  # and after a restart
    assert back.detect_missed_actions(dt.date(2026, 12, 2)) == 1  # only the one before
    states = {a["action_id"]: a["status"] for a in back.goal(g)["actions"]}
    assert states == {before: "missed", during: "planned", after: "planned"}
    back.reschedule_action(g, during, dt.date(2026, 12, 8), "terug na de pauze")
    assert back.detect_missed_actions(dt.date(2026, 12, 11)) == 2  # in time, after the pause


def test_a_second_pause_is_its_own(tmp_path):
    app = PlanningApplication(store_environment(Settings(var_dir=tmp_path)))
    p = uuid.uuid4()
    g = app.set_goal(p, "Werk zoeken", "short", "income", 2)
    between = app.plan_action(g, "Cv maken", "participant", dt.date(2026, 6, 15), None)
    status(app, p, "paused", dt.date(2026, 5, 1), 1)
    status(app, p, "active", dt.date(2026, 6, 1), 2)
    status(app, p, "paused", dt.date(2026, 7, 1), 3)
    status(app, p, "active", dt.date(2026, 8, 1), 4)
    assert app.detect_missed_actions(dt.date(2026, 8, 2)) == 1  # due while active: missed
    assert {a["action_id"]: a["status"] for a in app.goal(g)["actions"]} == {between: "missed"}
