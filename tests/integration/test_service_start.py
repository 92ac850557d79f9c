"""A restarted service answers its API before its consumer has joined its group: after a
crash the group waits for the old member's session to time out (it took 20 s), and
commands need not wait with it."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from fastapi.testclient import TestClient
from faststream.kafka import KafkaBroker

from steiger.rewards.main import parts
from steiger.rewards.settings import Settings
from steiger.shared.service import build_service

from ..access import staff
from ..waiting import eventually

pytestmark = pytest.mark.broker


def test_the_api_answers_while_the_consumer_is_still_joining(broker, tmp_path, monkeypatch):
    joining = asyncio.Event()

    async def never_joins(self, *args, **kwargs):
        await joining.wait()  # a group that does not let the new member in yet

    monkeypatch.setattr(KafkaBroker, "start", never_joins)
    settings = Settings(var_dir=tmp_path, kafka_bootstrap_servers=broker.bootstrap_servers)
    with TestClient(build_service(parts(settings)), headers=staff()) as client:
        ledger = client.get(f"/participants/{uuid.uuid4()}/rewards")
        health = client.get("/health").json()
    assert ledger.status_code == 200
    assert health["consumer"]["joined"] is False


def test_a_consumer_that_could_not_start_is_started_again(broker, tmp_path, monkeypatch):
    started = []
    start = KafkaBroker.start

    async def fails_once(self, *args, **kwargs):
        started.append(len(started))
        if len(started) == 1:
            raise ConnectionError("the group coordinator is not there yet")
        await start(self, *args, **kwargs)

    monkeypatch.setattr(KafkaBroker, "start", fails_once)
    settings = Settings(var_dir=tmp_path, kafka_bootstrap_servers=broker.bootstrap_servers)
    with TestClient(build_service(parts(settings)), headers=staff()) as client:
        eventually(lambda: client.get("/health").json()["consumer"]["joined"])
    assert len(started) == 2
