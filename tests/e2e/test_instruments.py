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


def test_returning_without_penalty_continues_where_the_participant_was(system, e2e):
    """Paused, nothing is sent; resumed, positions, plan, rewards, the year's cap and the
    reminders of what is still ahead are as they were."""
    client = e2e.client(system)
    now = dt.datetime.now(AMS).replace(microsecond=0)
    pid = client.register("Ricardo Soares", {"adults": 1})
    client.assess(pid, {"debts": 2, "income": 1}, now - dt.timedelta(days=7))
    goal = client.set_goal(pid, "Overzicht van mijn schulden", "debts", 3)
    done = client.plan_action(goal, "DigiD aanvragen", now.date(), "digid-applied")
    ahead = client.plan_action(
        goal, "Naar de GGZ", now.date() + dt.timedelta(days=20), "mental-health-appointments"
    )
    client.complete_action(goal, done, now)

    def views():
        return {
            "positions": client.get("bridge", f"/participants/{pid}/positions").json(),
            "goal": client.get("planning", f"/goals/{goal}").json(),
            "statement": client.get("rewards", f"/participants/{pid}/statements/{now.year}").json(),
        }

    def pending():
        overview = client.get("notifications", f"/participants/{pid}/notifications").json()
        return [n for n in overview["pending"] if n["kind"] == "action-reminder"]

    earned = e2e.wait_until(lambda: views() if views()["statement"]["lines"] else None)
    assert earned["statement"]["total"] == "20.00"
    reminders = e2e.wait_until(pending)
    assert {r["about"] for r in reminders} == {ahead}

    participant = client.base["participant"]
    paused = client.http.post(f"{participant}/participants/{pid}/pause", json={"reason": "ziek"})
    assert paused.status_code == 204, paused.text
    e2e.wait_until(lambda: not pending())  # no reminder goes out during the pause
    resumed = client.http.post(f"{participant}/participants/{pid}/resume", json={})
    assert resumed.status_code == 204, resumed.text
    again = e2e.wait_until(pending)
    assert sorted(r["send_at"] for r in again) == sorted(r["send_at"] for r in reminders)
    assert views() == earned  # positions, the plan, the rewards and the year's cap as they were
    client.complete_action(goal, ahead, dt.datetime.now(AMS).replace(microsecond=0))
    year = e2e.wait_until(lambda: views()["statement"]["total"] == "60.00")
    assert year  # the year's count went on from where it was: 20 + 40, within the cap
    english = client.get("rewards", f"/participants/{pid}/statements/{now.year}?language=en")
    dutch = client.get("rewards", f"/participants/{pid}/statements/{now.year}").json()
    assert english.json()["language"] == "en" and dutch["language"] == "nl"
    labels = {(ln["label"], ln["status_text"]) for ln in english.json()["lines"]}
    assert ("Applied for DigiD", "earned") in labels
    assert ("DigiD aangevraagd", "verdiend") in {
        (ln["label"], ln["status_text"]) for ln in dutch["lines"]
    }


def test_hard_conversations_are_offered_in_the_morning_and_flagged_otherwise(system, e2e):
    client = e2e.client(system)
    pid = client.register("Linda Vermeulen", {"adults": 1})
    preferences = client.http.put(
        f"{client.base['participant']}/participants/{pid}/contact-preferences",
        json={"channels": ["sms"], "time_of_day": "evening"},
    )
    assert preferences.status_code in (200, 204), preferences.text
    slots_url = f"/participants/{pid}/meeting-slots?difficult=true&from_day=2027-12-13"

    def offered():
        answer = client.get("planning", slots_url).json()
        return answer if answer.get("preferred_time_of_day") == "evening" else None

    slots = e2e.wait_until(offered)["slots"]  # the preference travelled participant → planning
    assert slots[0]["part_of_day"] == "morning"
    assert [s["part_of_day"] for s in slots].index("evening") < [
        s["part_of_day"] for s in slots
    ].index("afternoon")
    meeting = client.http.post(
        f"{client.base['planning']}/participants/{pid}/meetings",
        json={"at": "2027-12-13T14:00:00+01:00", "difficult": True},
    )
    assert meeting.status_code == 201
    assert meeting.json()["timing_flags"] == [
        "difficult-conversation-not-in-the-morning",
        "against-preferred-time-of-day",
    ]


def test_goals_are_found_on_the_bridge_chosen_in_order_and_set_from_the_choice(system, e2e):
    client = e2e.client(system)
    now = dt.datetime.now(AMS).replace(microsecond=0)
    pid = client.register("Dennis Bakker", {"adults": 1})
    client.assess(pid, {"debts": 1, "income": 2, "housing": 3}, now - dt.timedelta(days=1))
    found = client.get("bridge", f"/participants/{pid}/potential-goals").json()
    assert [g["column"] for g in found["potential_goals"]][:1] == ["debts"]  # lowest first
    choice = {
        "priorities": [{"column": "income"}, {"column": "debts"}],
        "chosen_at": now.isoformat(),
    }
    chose = client.http.put(f"{client.base['bridge']}/participants/{pid}/priorities", json=choice)
    assert chose.status_code == 200, chose.text

    def priorities():
        return client.get("planning", f"/participants/{pid}/priorities").json() or None

    ranked = e2e.wait_until(priorities)  # the choice travelled bridge → broker → planning
    assert [(p["rank"], p["column"], p["target_step"]) for p in ranked] == [
        (1, "income", 3),
        (2, "debts", 2),
    ]
    goal = client.http.post(
        f"{client.base['planning']}/participants/{pid}/goals",
        json={"title": "Een vaste baan", "horizon": "long", "priority": 1},
    )
    assert goal.status_code == 201, goal.text
    assert client.get("planning", f"/goals/{goal.json()['id']}").json()["column"] == "income"


def test_outcome_facts_travel_to_reporting_s_table_4(system, e2e):
    """Five participants of a programme of their own: asked facts and those the Bridge
    tells reach reporting over the broker, and Table 4 shows their shares."""
    client = e2e.client(system)
    now = dt.datetime.now(AMS).replace(microsecond=0)
    for n in range(5):
        pid = client.register(f"Deelnemer {n}", {"adults": 1}, programme="tabel-4")
        asked = {"employed": n < 2, "savings": f"{n * 100}.00"}
        client.assess(pid, {"debts": 4 if n < 4 else 2, "savings": 1}, now, asked)

    def table():
        groups = client.get("reporting", "/outcomes/programme").json()["groups"]
        group = next((g for g in groups if g["key"] == "tabel-4"), None)
        known = group and not group["suppressed"] and group["points"]["now"]["known"]["employed"]
        return group if known == 5 else None

    now_point = e2e.wait_until(table)["points"]["now"]
    assert now_point["shares"]["employed"] == 0.4
    assert now_point["shares"]["within_household_budget"] == 0.8  # debts at step 4: told
    assert now_point["shares"]["buffer_for_unforeseen"] == 0.0  # savings at step 1
    assert now_point["mean_savings"] == "200.00"


def test_a_success_story_goes_out_with_approval_and_consent_and_comes_down_with_it(system, e2e):
    client = e2e.client(system)
    pid = client.register("Ayla Yilmaz", {"adults": 1, "school_age_children": 1})
    base = f"{client.base['participant']}/participants/{pid}"
    story = client.http.post(
        f"{base}/stories", json={"title": "Mijn eerste baan", "text": "Ik werk nu vier dagen."}
    ).json()["id"]
    approved = client.http.post(
        f"{base}/stories/{story}/approval",
        json={"revision": 1, "approved_at": dt.datetime.now(AMS).isoformat()},
    )
    assert approved.status_code == 204
    refused = client.http.post(f"{base}/stories/{story}/publication")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "consent"
    consent = {"purpose": "success-story", "text_version": "2026-01"}
    assert client.http.post(f"{base}/consents", json=consent).status_code == 204
    assert client.http.post(f"{base}/stories/{story}/publication").status_code == 204
    published = client.get("participant", "/stories").json()
    assert [s["title"] for s in published if s["story_id"] == story] == ["Mijn eerste baan"]
    client.http.delete(f"{base}/consents/success-story")
    assert story not in [s["story_id"] for s in client.get("participant", "/stories").json()]
