"""The whole system as separate processes: embedded broker + six services on free ports."""

from __future__ import annotations

import base64
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from steiger.cli.broker import EmbeddedBroker
from steiger.cli.client import SteigerClient
from steiger.cli.credentials import DEMO_TEAM, STAFF
from steiger.cli.runtime import System
from steiger.shared.services import SERVICES

from ..waiting import eventually


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def a_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def own_database(postgres_dsn: str, prefix: str) -> tuple[dict[str, str], Path]:
    """A database of the system's own on the PostgreSQL server, with the keys a deployment on
    PostgreSQL must configure; and the server's data directory."""
    import psycopg

    name = f"{prefix}_{os.urandom(4).hex()}"
    with psycopg.connect(postgres_dsn, autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
        (data_directory,) = db.execute("SHOW data_directory").fetchone()
    env = {
        "STEIGER_DATABASE_URL": postgres_dsn.rsplit("/", 1)[0] + f"/{name}",
        "STEIGER_EVENT_SIGNING_KEY": a_key(),
        "STEIGER_AUDIT_KEY": a_key(),
        **{f"STEIGER_{s.upper()}_MASTER_KEY": a_key() for s in ("participant", "bridge",
                                                                "planning", "rewards")},
        "STEIGER_NOTIFICATIONS_PARTNER_SECRET": a_key(),
    }  # fmt: skip
    return env, Path(data_directory)


def start_system(
    tmp_path,
    extra_env: dict[str, str] | None = None,
    ports: dict[str, int] | None = None,
    web: bool = False,
) -> System:
    broker = EmbeddedBroker(port=_free_port())
    system = System(
        var_dir=tmp_path / "var",
        broker=broker,
        bootstrap_servers=broker.bootstrap_servers,
        ports=ports or {name: _free_port() for name in SERVICES},
        extra_env=extra_env or {},
        oidc_issuer=None,  # its own development issuer, as `make run` starts it
        issuer_port=_free_port(),
        web_port=0 if web else None,  # a free port, chosen as the web app starts
    )
    try:
        system.start(timeout=90)
    except Exception:
        system.stop()
        raise
    return system


@pytest.fixture(scope="module")
def system(tmp_path_factory) -> Iterator[System]:
    running = start_system(tmp_path_factory.mktemp("system"))
    yield running
    running.stop()


@pytest.fixture
def fresh_system(tmp_path) -> Iterator[System]:
    """A system of the test's own, for tests that kill parts of it."""
    running = start_system(tmp_path)
    yield running
    running.stop()


def staff_token(system: System) -> str:
    """A token of the system's issuer with every role of the organisation's staff, leading
    the team every case that is not assigned falls to."""
    return system.token(*STAFF, teams=(DEMO_TEAM,))


def client_for(system: System, token: str | None = None) -> SteigerClient:
    headers = {"Authorization": f"Bearer {token or staff_token(system)}"}
    return SteigerClient({name: s.url for name, s in system.services.items()}, headers)


@pytest.fixture
def e2e():
    """The helpers e2e tests share: an API client for a system, and polling with a timeout."""

    class Helpers:
        client = staticmethod(client_for)
        wait_until = staticmethod(eventually)

    return Helpers
