"""Groups and affinity groups, and suggestions from similar active goals."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from steiger.planning.domain.group import suggest
from steiger.planning.main import parts
from steiger.planning.settings import Settings
from steiger.shared.service import build_api

from ..access import staff
from ..registrations import registered


@pytest.fixture
def api(tmp_path):
    with TestClient(build_api(parts(Settings(var_dir=tmp_path))), headers=staff()) as client:
        yield client


def set_goals(api, count, column, step):
    ids = []
    for _ in range(count):
        p = registered(api)
        api.post(
            f"/participants/{p}/goals",
            json={"title": "t", "horizon": "short", "column": column, "target_step": step},
        )
        ids.append(str(p))
    return ids


def test_suggestions_group_participants_with_the_same_column_and_target_step(api):
    debts = set_goals(api, 10, "debts", 3)
    set_goals(api, 3, "income", 2)  # too few for an affinity group
    set_goals(api, 4, "debts", 4)  # the same column, another step: its own group
    finished = set_goals(api, 1, "debts", 3)[0]
    goal_id = api.get(f"/participants/{finished}/goals").json()[0]["goal_id"]
    api.post(f"/goals/{goal_id}/achievement", json={})  # no longer working on it

    suggestions = api.get("/group-suggestions", params={"kind": "affinity"}).json()
    by_step = {}
    for s in suggestions:
        by_step.setdefault((s["column"], s["target_step"]), []).append(s["members"])
    assert sorted(len(m) for m in by_step[("debts", 3)]) == [5, 5]
    assert sorted(p for m in by_step[("debts", 3)] for p in m) == sorted(debts)
    assert [len(m) for m in by_step[("debts", 4)]] == [4]
    assert ("income", 2) not in by_step
    assert api.get("/group-suggestions", params={"kind": "group"}).json() == []


def test_a_large_population_is_cut_into_groups_of_at_most_25():
    people = {uuid.uuid4() for _ in range(60)}
    groups = suggest({("housing", 3): people}, "group")
    assert sorted(len(g["members"]) for g in groups) == [20, 20, 20]


def test_an_affinity_group_takes_at_most_eight_members_once_each(api):
    group = api.post(
        "/groups", json={"name": "Post op orde", "kind": "affinity", "column": "debts"}
    ).json()["id"]
    members = [str(registered(api)) for _ in range(8)]
    for member in members:
        joined = api.post(f"/groups/{group}/members", json={"participant_id": member})
        assert joined.status_code == 204
    ninth = api.post(f"/groups/{group}/members", json={"participant_id": str(registered(api))})
    assert ninth.status_code == 409 and "at most 8" in ninth.json()["detail"]
    twice = api.delete(f"/groups/{group}/members/{members[0]}")
    assert twice.status_code == 204
    assert api.delete(f"/groups/{group}/members/{members[0]}").status_code == 409
    assert len(api.get(f"/groups/{group}").json()["members"]) == 7
    assert api.post("/groups", json={"name": "x", "kind": "club"}).status_code == 422
    assert api.get(f"/groups/{uuid.uuid4()}").status_code == 404
