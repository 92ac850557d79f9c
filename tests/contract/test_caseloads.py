"""Caseload scope in every service (issue 25): two mentors, two caseloads, and a transfer.
Each service learns whose case is whose from the participant service's MentorAssigned events
(here recorded as its consumer records them) and decides on its own."""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from steiger.shared.service import build_api

from ..access import assigned, bearer, mentor, staff, team_lead
from ..registrations import registered

CASE_READ = {
    "bridge": "/participants/{}/positions",
    "planning": "/participants/{}/goals",
    "rewards": "/participants/{}/rewards",
    "notifications": "/participants/{}/notifications",
    "reporting": "/participants/{}/progress",
}


def admitted(response) -> bool:
    """Past the door: the service's own answer (404 where it holds nothing yet)."""
    return response.status_code in (200, 404) and "not on your caseload" not in response.text


@pytest.fixture(params=list(CASE_READ))
def service(request, tmp_path) -> Iterator[tuple[str, TestClient]]:
    name = request.param
    main = importlib.import_module(f"steiger.{name}.main")
    settings = importlib.import_module(f"steiger.{name}.settings").Settings(var_dir=tmp_path)
    parts = main.parts(settings)
    with TestClient(build_api(parts)) as client:
        yield name, client
    parts.application.close()


def test_each_mentor_reaches_their_own_caseload_and_after_a_transfer_only_the_new_one(service):
    name, client = service
    anna, bram = uuid.uuid4(), uuid.uuid4()
    annas, brams = registered(client), registered(client)
    assigned(client, annas, anna, team="noord")
    assigned(client, brams, bram, team="zuid")
    read = CASE_READ[name].format

    assert admitted(client.get(read(annas), headers=mentor(anna)))
    assert admitted(client.get(read(brams), headers=mentor(bram)))
    refused = client.get(read(brams), headers=mentor(anna))
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert client.get(read(annas), headers=mentor(bram)).status_code == 403

    # team leads reach their teams' cases only
    assert admitted(client.get(read(annas), headers=team_lead("noord")))
    assert client.get(read(brams), headers=team_lead("noord")).status_code == 403

    assigned(client, annas, bram, team="zuid", previous=anna)  # Anna's participant goes to Bram
    assert client.get(read(annas), headers=mentor(anna)).status_code == 403
    assert admitted(client.get(read(annas), headers=mentor(bram)))
    assert client.get(read(annas), headers=team_lead("noord")).status_code == 403
    assert admitted(client.get(read(annas), headers=team_lead("zuid")))


OWN_CASE = [name for name in CASE_READ if name != "notifications"]
"""Where a participant reads their own case (notifications' overview is for those who work on
the case; their own reminders reach them)."""


@pytest.mark.parametrize("service", OWN_CASE, indirect=True)
def test_a_participant_reaches_their_own_case_and_no_one_elses(service):
    name, client = service
    me, someone_else = registered(client), registered(client)
    read = CASE_READ[name].format
    as_me = bearer("participant", subject=me)
    assert admitted(client.get(read(me), headers=as_me))
    assert client.get(read(someone_else), headers=as_me).status_code == 403


@pytest.fixture
def participant_api(tmp_path) -> Iterator[TestClient]:
    from steiger.participant.main import parts
    from steiger.participant.settings import Settings

    service = parts(Settings(var_dir=tmp_path))
    with TestClient(build_api(service), headers=staff()) as client:
        yield client
    service.application.close()


REGISTRATION = {
    "name": "Fatima Zahra",
    "birth_year": 1990,
    "municipality": "Alphen aan den Rijn",
    "programme": "debt-help",
    "household": {"adults": 1},
}


def test_in_the_participant_service_a_mentor_takes_on_whom_they_register_and_sees_only_them(
    participant_api,
):
    api = participant_api
    anna, bram = str(uuid.uuid4()), str(uuid.uuid4())
    for mentor_id, team in ((anna, "noord"), (bram, "zuid")):
        created = api.post("/mentors", json={"name": "M", "team": team, "mentor_id": mentor_id})
        assert created.status_code == 201 and created.json()["mentor_id"] == mentor_id
    annas = api.post("/participants", json=REGISTRATION, headers=mentor(anna)).json()
    brams = api.post(
        "/participants", json=REGISTRATION | {"name": "Bram's Deelnemer"}, headers=mentor(bram)
    ).json()
    annas, brams = annas["participant_id"], brams["participant_id"]

    assert api.get(f"/participants/{annas}", headers=mentor(anna)).status_code == 200
    assert api.get(f"/participants/{brams}", headers=mentor(anna)).status_code == 403
    found = api.get("/participants", params={"name": "Fatima"}, headers=mentor(anna)).json()
    assert [f["participant_id"] for f in found] == [annas]  # search finds only her own
    # a caseload is its mentor's, and their team lead's
    assert api.get(f"/mentors/{anna}/caseload", headers=mentor(anna)).status_code == 200
    assert api.get(f"/mentors/{bram}/caseload", headers=mentor(anna)).status_code == 403
    assert api.get(f"/mentors/{anna}/caseload", headers=team_lead("noord")).status_code == 200
    assert api.get(f"/mentors/{anna}/caseload", headers=team_lead("zuid")).status_code == 403

    # a transfer within the team is the team lead's; across teams it is refused
    carla = str(uuid.uuid4())
    api.post("/mentors", json={"name": "Carla", "team": "noord", "mentor_id": carla})
    move = {"mentor_id": carla, "reason": "caseload balance"}
    assert (
        api.put(f"/participants/{annas}/mentor", json=move, headers=mentor(anna)).status_code == 403
    )
    across = {"mentor_id": bram, "reason": "x"}
    refused = api.put(f"/participants/{annas}/mentor", json=across, headers=team_lead("noord"))
    assert refused.status_code == 403
    moved = api.put(f"/participants/{annas}/mentor", json=move, headers=team_lead("noord"))
    assert moved.status_code == 204
    assert api.get(f"/participants/{annas}", headers=mentor(anna)).status_code == 403
    assert api.get(f"/participants/{annas}", headers=mentor(carla)).status_code == 200


def test_a_mentor_id_is_registered_once(participant_api):
    mentor_id = str(uuid.uuid4())
    body = {"name": "Anna", "mentor_id": mentor_id}
    assert participant_api.post("/mentors", json=body).status_code == 201
    again = participant_api.post("/mentors", json=body)
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "mentor_id"


def test_what_a_path_names_through_a_goal_or_meeting_is_its_participants_case(tmp_path):
    from steiger.planning.main import parts
    from steiger.planning.settings import Settings

    service = parts(Settings(var_dir=tmp_path))
    anna, bram = uuid.uuid4(), uuid.uuid4()
    with TestClient(build_api(service), headers=staff()) as api:
        annas = registered(api)
        assigned(api, annas, anna, team="noord")
        goal = {"title": "Schulden op een rij", "horizon": "short"}
        goal_id = api.post(f"/participants/{annas}/goals", json=goal, headers=mentor(anna))
        goal_id = goal_id.json()["id"]
        meeting = {"at": "2026-03-02T10:00:00+01:00"}
        meeting_id = api.post(f"/participants/{annas}/meetings", json=meeting, headers=mentor(anna))
        meeting_id = meeting_id.json()["id"]
        action = {"description": "Bel de schuldhulp", "due_on": "2026-03-09"}
        for path in (f"/goals/{goal_id}", f"/meetings/{meeting_id}"):
            assert api.get(path, headers=mentor(anna)).status_code == 200
            assert api.get(path, headers=mentor(bram)).status_code == 403
        refused = api.post(f"/goals/{goal_id}/actions", json=action, headers=mentor(bram))
        assert refused.status_code == 403
        assert api.get(f"/goals/{goal_id}").json()["actions"] == []  # nothing changed
        # a change says who made it: the actor is stored with its events
        application = service.application
        stored = application.recorder.select_events(uuid.UUID(goal_id))
        actor = application.mapper.actor_of(stored[0])
        assert actor["subject"] == str(anna) and actor["roles"] == ["mentor"]
    service.application.close()


def test_a_team_leads_dashboard_counts_their_teams_participants_only(tmp_path):
    from steiger.reporting.main import parts
    from steiger.reporting.settings import Settings

    service = parts(Settings(var_dir=tmp_path))
    with TestClient(build_api(service)) as api:
        for mentor_id, team in ((uuid.uuid4(), "noord"), (uuid.uuid4(), "zuid")):
            assigned(api, registered(api), mentor_id, team=team)

        def counted(headers: dict[str, str]) -> int:
            board = api.get("/dashboards/programme", headers=headers).json()
            return sum(group["participants"] for group in board["groups"].values())

        assert counted(team_lead("noord")) == 1
        assert counted(team_lead("noord", "zuid")) == 2
        assert counted(bearer("researcher")) == 2  # pseudonymous figures of everyone
    service.application.close()


def test_several_caseloads_at_once_show_a_team_lead_only_their_teams_cases(tmp_path):
    from steiger.reporting.main import parts
    from steiger.reporting.settings import Settings

    service = parts(Settings(var_dir=tmp_path))
    with TestClient(build_api(service)) as api:
        north, south = uuid.uuid4(), uuid.uuid4()
        in_north = registered(api)
        assigned(api, in_north, north, team="noord")
        assigned(api, registered(api), south, team="zuid")
        both = {"mentor": [str(north), str(south)]}

        def seen(headers: dict[str, str], params=both) -> set[str]:
            answer = api.get("/caseloads", params=params, headers=headers)
            assert answer.status_code == 200, answer.text
            return {row["participant_id"] for row in answer.json()["participants"]}

        assert seen(team_lead("noord")) == {str(in_north)}  # asking for zuid's mentor too
        assert len(seen(team_lead("noord", "zuid"))) == 2
        assert seen(mentor(north), {"mentor": [str(north)]}) == {str(in_north)}
        refused = api.get("/caseloads", params=both, headers=mentor(north))
        assert refused.status_code == 403  # another mentor's caseload among them
        too_many = {"mentor": [str(uuid.uuid4()) for _ in range(201)]}
        assert api.get("/caseloads", params=too_many, headers=team_lead("noord")).status_code == 422
    service.application.close()
