"""Fixtures for real parts: the Tansu broker, a throwaway PostgreSQL server, whole systems."""

from __future__ import annotations

import base64
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from steiger.cli.broker import EmbeddedBroker
from steiger.shared import clock

from .access import session_issuer


@pytest.fixture(scope="session", autouse=True)
def _issuer() -> None:
    """Every service built in a test checks tokens against the session's issuer."""
    session_issuer()


@pytest.fixture(autouse=True)
def _organisation_zone_restored() -> Iterator[None]:
    """A service built in a test sets the process-wide zone of `clock`; the next test starts
    from the zone as it was."""
    zone = clock.zone()
    yield
    clock.configure(zone)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def broker() -> Iterator[EmbeddedBroker]:
    """One embedded broker for tests that never restart it (each test uses its own topics)."""
    embedded = EmbeddedBroker(port=free_port())
    embedded.start()
    yield embedded
    embedded.stop()


@pytest.fixture
def own_broker() -> Iterator[EmbeddedBroker]:
    """A broker of the test's own, for tests that restart it."""
    embedded = EmbeddedBroker(port=free_port())
    embedded.start()
    yield embedded
    embedded.stop()


def _postgres_bin() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(candidates[-1]).parent if candidates else None


@pytest.fixture(scope="session")
def postgres_dsn() -> Iterator[str]:
    """A DSN from STEIGER_TEST_POSTGRES_DSN, or a throwaway server from the local binaries."""
    if dsn := os.environ.get("STEIGER_TEST_POSTGRES_DSN"):
        yield dsn
        return
    bindir = _postgres_bin()
    if bindir is None:
        reason = "PostgreSQL binaries not installed (apt-get install postgresql)"
        if os.environ.get("STEIGER_REQUIRE_POSTGRES"):
            pytest.fail(reason)
        pytest.skip(reason)
    datadir = Path(tempfile.mkdtemp(prefix="steiger-pg-"))
    # PostgreSQL refuses to run as root: run it as the 'postgres' user the package created.
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(datadir, "postgres", "postgres")
    port = free_port()
    subprocess.run(
        [
            *as_postgres,
            str(bindir / "initdb"),
            "-D",
            str(datadir / "data"),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
    )
    options = (
        f"-p {port} -k {datadir} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c max_connections=200"
    )
    subprocess.run(
        [
            *as_postgres,
            str(bindir / "pg_ctl"),
            "-D",
            str(datadir / "data"),
            "-o",
            options,
            "-l",
            str(datadir / "server.log"),
            "-w",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        import psycopg

        with psycopg.connect(
            f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True
        ) as connection:
            connection.execute("CREATE DATABASE steiger_test")
        yield f"postgresql://postgres@127.0.0.1:{port}/steiger_test"
    finally:
        subprocess.run(
            [
                *as_postgres,
                str(bindir / "pg_ctl"),
                "-D",
                str(datadir / "data"),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
        )
        shutil.rmtree(datadir, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgres"])
def store_env(request: pytest.FixtureRequest, tmp_path: Path):
    """Builds a service's store environment on SQLite or PostgreSQL: the same test runs on both."""
    from steiger.shared.eventstore import store_environment

    if request.param == "postgres":
        dsn = request.getfixturevalue("postgres_dsn")
        suffix = os.urandom(4).hex()

        def env(settings) -> dict[str, str]:
            settings.database_url = dsn
            if settings.master_key is None:  # required with PostgreSQL
                settings.master_key = SecretStr(base64.b64encode(os.urandom(32)).decode())
            return {
                **store_environment(settings),
                "POSTGRES_SCHEMA": f"steiger_{settings.service}_{suffix}",
            }
    else:

        def env(settings) -> dict[str, str]:
            settings.var_dir = tmp_path
            return store_environment(settings)

    env.kind = request.param  # type: ignore[attr-defined]
    return env
