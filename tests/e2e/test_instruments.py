"""The instruments as a mentor meets them in the first week, through the public APIs with
each service its own process over the real broker (issue 30)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

pytestmark = pytest.mark.e2e
AMS = ZoneInfo("Europe/Amsterdam")


def test_a_single_parent_with_two_school_age_children_gets_a_tailored_index(system, e2e):
    client = e2e.client(system)
    pid = client.register(
        "Naima El Idrissi",
        {"adults": 1, "preschool_children": 0, "school_age_children": 2},
        municipality="Leiden",
    )
    body = {"table_id": "nl-steiger", "table_version": "2026", "monthly_income": "1800.00"}
    answer = e2e.wait_until(lambda: client.get_economic_independence(pid, body))
    index = answer["index"]
    assert (index["household_type"], index["basis"], index["municipality"]) == (
        "1a2s",
        "tailored",
        "Leiden",
    )
    assert (index["monthly"], answer["gap"]) == ("3167.50", "1367.50")


def test_the_weaker_functions_of_a_profile_suggest_supports_for_the_next_goal(system, e2e):
    client = e2e.client(system)
    pid = client.register("Kees de Wit", {"adults": 1})
    questionnaire = client.get("bridge", "/executive-skills/questionnaire").json()
    weak = {"working-memory", "planning", "time-management"}
    answers = {
        s["id"]: 1 if f["id"] in weak else 5
        for f in questionnaire["functions"]
        for s in f["statements"]
    }
    at = dt.datetime.now(AMS).replace(microsecond=0) - dt.timedelta(hours=1)
    profile = client.http.post(
        f"{client.base['bridge']}/participants/{pid}/executive-skills",
        json={"answers": answers, "assessed_at": at.isoformat()},
    )
    assert profile.status_code == 201, profile.text
    assert "not a diagnosis" in profile.json()["notice"]["en"]

    def supports():
        found = client.get("planning", f"/participants/{pid}/supports")
        return found.json() if found.status_code == 200 and found.json() else None

    suggested = e2e.wait_until(supports)  # the profile travelled bridge → broker → planning
    assert {s["for"] for s in suggested} <= weak
    assert {"smaller-steps", "extra-reminder"} <= {s["code"] for s in suggested}
    goal = client.http.post(
        f"{client.base['planning']}/participants/{pid}/goals",
        json={"title": "Post op orde", "horizon": "short", "column": "debts", "target_step": 2},
    )
    assert goal.status_code == 201 and goal.json()["suggested_supports"] == suggested
