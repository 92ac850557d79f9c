"""Goal and action lifecycles, meetings, figures and the printable plan, over the API."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from steiger.planning.application import PlanningApplication
from steiger.planning.main import parts
from steiger.planning.settings import Settings
from steiger.shared.eventstore import store_environment
from steiger.shared.service import build_api

from ..access import staff
from ..registrations import registered

TODAY = dt.datetime.now(ZoneInfo("Europe/Amsterdam")).date()


@pytest.fixture
def api(tmp_path):
    with TestClient(build_api(parts(Settings(var_dir=tmp_path))), headers=staff()) as client:
        yield client


def goal(api, participant, **extra):
    body = {
        "title": "Schulden op een rij",
        "horizon": "short",
        "column": "debts",
        "target_step": 3,
    } | extra
    registered(api, participant)
    response = api.post(f"/participants/{participant}/goals", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def action(api, goal_id, due_on=TODAY + dt.timedelta(days=7), description="Post openen"):
    response = api.post(
        f"/goals/{goal_id}/actions", json={"description": description, "due_on": due_on.isoformat()}
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_a_smart_short_term_goal_under_a_long_term_goal_is_revised_and_achieved(api):
    p = uuid.uuid4()
    long_term = goal(api, p, title="Schuldenvrij", horizon="long", target_step=5)
    short = goal(
        api,
        p,
        parent_goal_id=long_term,
        why="rust voor mijn kinderen",
        measure="alle brieven geopend",
        by_when="2027-01-31",
        supports=["zus"],
        plan_b="hulp vragen bij de buurtcoach",
    )
    revised = api.post(
        f"/goals/{short}/revisions", json={"target_step": 4, "why": "het ging sneller dan gedacht"}
    )
    assert revised.status_code == 204
    assert api.post(f"/goals/{short}/achievement", json={}).status_code == 204
    view = api.get(f"/goals/{short}").json()
    assert (view["status"], view["target_step"], view["parent_goal_id"]) == (
        "achieved",
        4,
        long_term,
    )
    assert view["revisions"][0]["why"] == "het ging sneller dan gedacht"
    assert view["smart"]["why"] == "rust voor mijn kinderen"
    # a closed goal takes no more changes
    again = api.post(f"/goals/{short}/achievement", json={})
    assert again.status_code == 409 and "achieved" in again.json()["detail"]
    assert (
        api.post(
            f"/goals/{short}/actions", json={"description": "x", "due_on": "2027-01-01"}
        ).status_code
        == 409
    )


def test_a_short_term_goal_hangs_under_a_long_term_goal_of_the_same_participant(api):
    other_long = goal(api, uuid.uuid4(), horizon="long")
    response = api.post(
        f"/participants/{registered(api)}/goals",
        json={"title": "x", "horizon": "short", "parent_goal_id": other_long},
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "parent_goal_id"


def test_discontinuing_needs_a_reason_and_keeps_the_conversation(api):
    g = goal(api, uuid.uuid4())
    no_reason = api.post(f"/goals/{g}/discontinuation", json={"reason": ""})
    assert no_reason.status_code == 422
    stopped = api.post(
        f"/goals/{g}/discontinuation",
        json={"reason": "andere prioriteit", "conversation": "eerst werk, dan schulden"},
    )
    assert stopped.status_code == 204
    assert (
        api.get(f"/goals/{g}").json()["discontinued"]["conversation"] == "eerst werk, dan schulden"
    )


def test_actions_are_rescheduled_cancelled_and_refused_once_closed(api):
    g = goal(api, uuid.uuid4())
    a, b = action(api, g), action(api, g)
    new_date = (TODAY + dt.timedelta(days=14)).isoformat()
    moved = api.post(
        f"/goals/{g}/actions/{a}/reschedule", json={"due_on": new_date, "reason": "ziek"}
    )
    assert moved.status_code == 204
    assert (
        api.post(
            f"/goals/{g}/actions/{b}/cancellation", json={"reason": "niet meer nodig"}
        ).status_code
        == 204
    )
    completing_cancelled = api.post(
        f"/goals/{g}/actions/{b}/completion", json={"completed_at": "2026-11-20T10:00:00+01:00"}
    )
    assert completing_cancelled.status_code == 409
    assert "cancelled" in completing_cancelled.json()["detail"]
    same_date = api.post(
        f"/goals/{g}/actions/{a}/reschedule", json={"due_on": new_date, "reason": "x"}
    )
    assert same_date.status_code == 409
    actions = {x["action_id"]: x for x in api.get(f"/goals/{g}").json()["actions"]}
    assert (actions[a]["due_on"], actions[a]["reschedules"]) == (new_date, 1)
    assert actions[b]["status"] == "cancelled"


def test_missed_actions_are_detected_once_also_across_a_restart(tmp_path):
    settings = Settings(var_dir=tmp_path)
    app = PlanningApplication(store_environment(settings))
    g = app.set_goal(uuid.uuid4(), "Doel", "short", "debts", 2)
    late = app.plan_action(g, "Bellen", "participant", dt.date(2026, 11, 20), None)
    app.plan_action(g, "Later", "participant", dt.date(2026, 12, 20), None)
    assert app.detect_missed_actions(dt.date(2026, 11, 22)) == 1
    assert app.detect_missed_actions(dt.date(2026, 11, 22)) == 0
    app.close()

    restarted = PlanningApplication(store_environment(settings))
    assert restarted.detect_missed_actions(dt.date(2026, 11, 23)) == 0
    missed = [
        n
        for n in restarted.recorder.select_notifications(start=1, limit=100)
        if n.topic.endswith("Goal.ActionMissed")
    ]
    assert len(missed) == 1
    statuses = {a["action_id"]: a["status"] for a in restarted.goal(g)["actions"]}
    assert statuses[late] == "missed"
    assert restarted.detect_missed_actions(dt.date(2026, 12, 21)) == 1  # the later one, in time


def test_meetings_are_recorded_once_and_give_a_crisis_share_trend(api):
    p = uuid.uuid4()
    g = goal(api, p)
    shares = []
    for day, crisis in (("2026-10-01", 40), ("2026-11-01", 15)):
        m = api.post(f"/participants/{p}/meetings", json={"at": f"{day}T10:00:00+02:00"}).json()[
            "id"
        ]
        record = {
            "held_on": day,
            "duration_minutes": 60,
            "crisis_minutes": crisis,
            "goal_minutes": 60 - crisis,
            "summary": "We hebben je post bekeken.",
            "goal_ids": [g],
            "risks": ["deurwaarder"],
        }
        assert api.post(f"/meetings/{m}/record", json=record).status_code == 204
        assert api.post(f"/meetings/{m}/record", json=record).status_code == 409
        shares.append(api.get(f"/meetings/{m}").json()["crisis_share"])
    assert shares == [0.667, 0.25]
    listed = api.get(f"/participants/{p}/meetings").json()
    assert [m["at"][:10] for m in listed] == ["2026-11-01", "2026-10-01"]  # the latest first
    assert [m["held"]["summary"] for m in listed] == ["We hebben je post bekeken."] * 2
    figures = api.get(f"/participants/{p}/figures").json()
    assert [f["crisis_share"] for f in figures["crisis_share_by_meeting"]] == [0.667, 0.25]
    too_long = api.post(f"/participants/{p}/meetings", json={"at": "2026-11-20T10:00:00+01:00"})
    bad = api.post(
        f"/meetings/{too_long.json()['id']}/record",
        json={
            "held_on": "2026-11-20",
            "duration_minutes": 30,
            "crisis_minutes": 20,
            "goal_minutes": 20,
            "summary": "x",
        },
    )
    assert bad.status_code == 409 and bad.json()["errors"][0]["field"] == "crisis_minutes"


def test_figures_count_deadlines_met_and_missed_and_goals_by_outcome(tmp_path):
    app = PlanningApplication(store_environment(Settings(var_dir=tmp_path)))
    p = uuid.uuid4()
    g = app.set_goal(p, "Doel", "short", "debts", 2)
    on_time = app.plan_action(g, "a", "participant", dt.date(2026, 11, 10), None)
    app.plan_action(g, "b", "participant", dt.date(2026, 11, 12), None)
    app.complete_action(g, on_time, dt.datetime(2026, 11, 9, 12, tzinfo=dt.UTC))
    app.detect_missed_actions(dt.date(2026, 11, 22))
    other = app.set_goal(p, "Ander doel", "short", None, None)
    app.discontinue_goal(other, dt.date(2026, 11, 22), "past niet", None)
    figures = app.figures(p, dt.date(2026, 11, 22))
    assert figures["deadlines"] | {} == {
        "met": 1,
        "completed_late": 0,
        "missed": 1,
        "open": 0,
        "overdue": 0,
    }
    assert figures["goals"] == {"active": 1, "achieved": 0, "discontinued": 1}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/goals/{g}/revisions", {"target_step": 4}, "body.why"),
        ("/goals/{g}/revisions", {"why": "x", "colour": "red"}, "body.colour"),
        ("/goals/{g}/actions/{a}/reschedule", {"due_on": "soon", "reason": "x"}, "body.due_on"),
        ("/goals/{g}/actions/{a}/cancellation", {}, "body.reason"),
        ("/goals/{g}/reflections", {"what_worked": "x"}, "body.what_did_not"),
    ],
)
def test_bad_input_is_422_naming_the_field(api, path, body, field):
    g = goal(api, uuid.uuid4())
    a = action(api, g)
    response = api.post(path.format(g=g, a=a), json=body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_reflection_is_kept_per_goal(api):
    g = goal(api, uuid.uuid4())
    body = {
        "what_worked": "elke dag de post",
        "what_did_not": "bellen",
        "lessons": "vroeg",
        "ready_for_higher_goals": True,
    }
    assert api.post(f"/goals/{g}/reflections", json=body).status_code == 204
    assert api.get(f"/goals/{g}").json()["reflections"][0]["ready_for_higher_goals"] is True


def test_the_printable_plan_in_html_and_pdf_lists_the_active_goals_and_their_steps(api):
    p = uuid.uuid4()
    g = goal(api, p, why="rust in mijn hoofd", plan_b="de buurtcoach bellen")
    action(api, g, dt.date(2026, 12, 3), "Alle brieven in één map")
    stopped = goal(api, p, title="Verhuizen")
    api.post(f"/goals/{stopped}/discontinuation", json={"reason": "niet nu"})

    html = api.get(f"/participants/{p}/plan").text
    assert "Mijn plan" in html and "Schulden op een rij" in html
    assert "Alle brieven in één map" in html and "03-12-2026" in html
    assert "rust in mijn hoofd" in html and "@media print" in html
    assert "Verhuizen" not in html  # only the current plan
    assert "My plan" in api.get(f"/participants/{p}/plan", params={"lang": "en"}).text

    pdf = api.get(f"/participants/{p}/plan", params={"format": "pdf"})
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Schulden op een rij" in text and "Alle brieven in één map" in text
    assert "de buurtcoach bellen" in text and "Verhuizen" not in text


def test_a_goal_names_its_bridge_and_a_partner_owned_step_names_the_partner(api):
    p = uuid.uuid4()
    on_column = goal(api, p, definition_id="empath", definition_version="2019", column="savings")
    cross = api.post(f"/participants/{p}/goals", json={"title": "Rust", "horizon": "long"})
    assert api.get(f"/goals/{on_column}").json()["definition"] == {
        "id": "empath",
        "version": "2019",
    }
    assert api.get(f"/goals/{cross.json()['id']}").json()["definition"] == {
        "id": None,
        "version": None,
    }
    unnamed = api.post(
        f"/goals/{on_column}/actions",
        json={"description": "Budgetcursus", "due_on": "2027-01-15", "owner": "partner"},
    )
    assert unnamed.status_code == 409 and unnamed.json()["errors"][0]["field"] == "partner"
    named = api.post(
        f"/goals/{on_column}/actions",
        json={
            "description": "Budgetcursus",
            "due_on": "2027-01-15",
            "owner": "partner",
            "partner": "Schuldhulp Rijnstreek",
        },
    )
    assert named.status_code == 201
    actions = api.get(f"/goals/{on_column}").json()["actions"]
    assert actions[0]["partner"] == "Schuldhulp Rijnstreek"
