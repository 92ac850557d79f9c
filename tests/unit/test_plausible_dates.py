"""Each kind of date has a range that makes sense for it, against the organisation's
calendar on the day the request comes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from pydantic import TypeAdapter, ValidationError

from steiger.shared.dates import EffectiveDay, PastDay, PastMoment, PlannedDay, PlannedMoment

from ..access import staff

AMS = dt.timezone(dt.timedelta(hours=1))
NOW = dt.datetime(2026, 12, 31, 23, 30, tzinfo=AMS)  # already 2027 east of the date line


@pytest.mark.parametrize(
    ("kind", "accepted", "refused"),
    [
        (PastDay, ["2000-01-01", "2027-01-01"], ["1999-12-31", "2027-01-02", "0001-01-01"]),
        (EffectiveDay, ["2027-12-31"], ["2028-01-02", "9999-12-31"]),
        (PlannedDay, ["2036-12-01"], ["2037-12-31", "1970-01-01"]),
        (
            PastMoment,
            ["2027-01-01T23:59:00+01:00", "2000-01-01T00:00:00+01:00"],
            ["2027-01-02T00:00:00+01:00", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00+05:00"],
        ),
        (PlannedMoment, ["2030-06-01T10:00:00Z"], ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"]),
    ],
)
def test_a_date_outside_its_range_is_refused_with_the_range(kind, accepted, refused):
    adapter = TypeAdapter(kind)
    with time_machine.travel(NOW, tick=False):
        for value in accepted:
            adapter.validate_python(value)
        for value in refused:
            with pytest.raises(ValidationError, match="must lie between 2000-01-01 and"):
                adapter.validate_python(value)


@pytest.mark.parametrize(
    ("service", "path", "body", "field"),
    [
        ("participant", "/participants", {"registered_on": "0001-01-01"}, "body.registered_on"),
        ("planning", "/participants/{p}/meetings", {"at": "0001-01-01T10:00:00Z"}, "body.at"),
        ("planning", "/participants/{p}/meetings", {"at": "9999-12-31T10:00:00Z"}, "body.at"),
        (
            "planning",
            "/goals/{p}/actions/{p}/completion",
            {"completed_at": "9999-12-31T23:59:59Z"},
            "body.completed_at",
        ),
        (
            "bridge",
            "/participants/{p}/assessments",
            {
                "definition_id": "nl-alphen",
                "definition_version": "2017-09-07",
                "steps": {"debts": 2},
                "assessed_at": "0001-01-01T00:00:00Z",
            },
            "body.assessed_at",
        ),  # fmt: skip
    ],
)
def test_the_apis_refuse_implausible_dates_before_anything_is_stored(
    tmp_path, service, path, body, field
):
    import importlib
    import uuid

    from fastapi.testclient import TestClient

    from steiger.shared.service import build_api

    from ..participant.test_api import REGISTRATION
    from ..registrations import registered

    main = importlib.import_module(f"steiger.{service}.main")
    settings = importlib.import_module(f"steiger.{service}.settings").Settings(var_dir=tmp_path)
    service_parts = main.parts(settings)
    if service == "participant":
        body = {**REGISTRATION, **body}
    participant = uuid.uuid4()
    if service in ("planning", "bridge"):  # the participant is known: only the date is wrong
        registered(service_parts.application, participant)
    stored_before = service_parts.application.recorder.max_notification_id()
    with TestClient(build_api(service_parts), headers=staff()) as client:
        response = client.post(path.format(p=participant), json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert service_parts.application.recorder.max_notification_id() == stored_before
