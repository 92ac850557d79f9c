"""A participant's progress as a conditional GET (ETag, 304) and a long poll
(`Prefer: wait=N`): the answer comes when reporting records a change for that participant."""

import asyncio
import datetime as dt
import threading
import time
import uuid

import pytest
from fastapi.testclient import TestClient

from steiger.reporting.application import ReportingApplication
from steiger.reporting.main import parts
from steiger.reporting.projections import ProgressChanges
from steiger.reporting.rebuilding.generations import LiveProjections
from steiger.reporting.settings import Settings
from steiger.shared.http import requested_wait
from steiger.shared.service import build_api

from ..access import staff
from .histories import assessed, feed, registered

D = dt.date


@pytest.fixture
def service(tmp_path):
    service_parts = parts(Settings(var_dir=tmp_path))
    app = service_parts.application
    with TestClient(build_api(service_parts), headers=staff()) as client:
        yield client, app


def debts_step(response) -> int:
    return response.json()["bridge"]["columns"]["debts"]["latest"]["step"]


def later(seconds: float, work) -> threading.Thread:
    """`work` on another thread after a pause, as reporting's consumer records."""
    thread = threading.Timer(seconds, work)
    thread.start()
    return thread


def test_an_unchanged_view_is_answered_304_until_the_progress_changes(service):
    client, app = service
    p = uuid.uuid4()
    feed(app, registered(p))
    feed(app, assessed(p, "debts", 1, D(2026, 1, 6)))
    url = f"/participants/{p}/progress"

    first = client.get(url)
    tag = first.headers["etag"]
    unchanged = client.get(url, headers={"If-None-Match": tag})
    assert (unchanged.status_code, unchanged.headers["etag"], unchanged.content) == (304, tag, b"")
    assert client.get(url, headers={"If-None-Match": f'"other", W/{tag}'}).status_code == 304

    feed(app, assessed(p, "debts", 2, D(2026, 2, 6)))
    changed = client.get(url, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["etag"] != tag
    assert debts_step(changed) == 2
    # another day is another view of the same version
    yesterday = client.get(url, params={"as_of": "2026-02-05"}, headers={"If-None-Match": tag})
    assert yesterday.status_code == 200 and debts_step(yesterday) == 1


def test_a_waiting_request_is_answered_when_the_participant_s_progress_changes(service):
    client, app = service
    p, other = uuid.uuid4(), uuid.uuid4()
    for someone in (p, other):
        feed(app, registered(someone))
        feed(app, assessed(someone, "debts", 1, D(2026, 1, 6)))
    url = f"/participants/{p}/progress"
    tag = client.get(url).headers["etag"]

    def record():
        # a change for someone else first: it must not end the wait
        feed(app, assessed(other, "debts", 4, D(2026, 2, 6)))
        time.sleep(0.5)
        feed(app, assessed(p, "debts", 3, D(2026, 2, 6)))

    started = time.monotonic()
    recorder = later(0.5, record)
    answer = client.get(url, headers={"If-None-Match": tag, "Prefer": "wait=30"})
    recorder.join()
    assert answer.status_code == 200 and debts_step(answer) == 3
    assert answer.headers["etag"] != tag
    # answered on the change (after both writes), not when the 30 s were over
    assert 1.0 <= time.monotonic() - started < 20


def test_a_wait_with_no_change_ends_in_304(service):
    client, app = service
    p = uuid.uuid4()
    feed(app, registered(p))
    url = f"/participants/{p}/progress"
    tag = client.get(url).headers["etag"]
    started = time.monotonic()
    answer = client.get(url, headers={"If-None-Match": tag, "Prefer": "wait=1"})
    assert answer.status_code == 304 and answer.headers["etag"] == tag
    assert time.monotonic() - started >= 1


def test_a_new_generation_ends_every_wait():
    live = LiveProjections(ReportingApplication(), generation=0)

    async def scenario():
        waits = [
            asyncio.create_task(live.changes.wait(uuid.uuid4(), 30, changed=lambda: False))
            for _ in range(3)
        ]
        await asyncio.sleep(0.05)
        live.swap(ReportingApplication(), generation=1)  # a replay's rebuilt store goes live
        await asyncio.wait_for(asyncio.gather(*waits), 5)

    asyncio.run(scenario())


def test_a_change_before_the_wait_begins_is_not_missed():
    async def scenario():
        changes = ProgressChanges()
        # the version moved on between reading the view and registering: no wait at all
        await asyncio.wait_for(changes.wait(uuid.uuid4(), 30, changed=lambda: True), 1)

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("prefer", "seconds"),
    [
        (None, 0),
        ("wait=10", 10),
        ("respond-async, wait=5", 5),
        ("return=minimal; wait=600", 30),
        ("wait=soon", 0),
        ("handling=lenient", 0),
    ],
)
def test_the_wait_a_client_prefers(prefer, seconds):
    assert requested_wait(prefer) == seconds
