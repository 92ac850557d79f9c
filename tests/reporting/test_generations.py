"""Store generations on SQLite and PostgreSQL: a rebuild fills the next one aside, an
unfinished one is discarded, and the current one is recorded."""

import pytest

from steiger.cli.histories import history
from steiger.reporting.application import ReportingApplication
from steiger.reporting.rebuilding.fill import fill
from steiger.reporting.rebuilding.generations import (
    current_generation,
    discard,
    environment,
    make_current,
)
from steiger.reporting.settings import Settings

from .test_rebuild import sourced


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request, tmp_path):
    settings = Settings(var_dir=tmp_path)
    if request.param == "postgres":
        settings.database_url = request.getfixturevalue("postgres_dsn")
    return settings


def test_a_generation_is_filled_aside_discarded_and_made_current(settings):
    discard(settings, 0)
    discard(settings, 1)
    live = ReportingApplication(environment(settings, 0))
    positions = fill(environment(settings, 1), sourced(history(600, per_participant=60)))
    assert set(positions) == {
        f"steiger.{s}.events.v1#0" for s in ("participant", "bridge", "planning", "rewards")
    }
    aside = ReportingApplication(environment(settings, 1))
    assert len(aside.participants()) == 10
    assert live.participants() == []  # the live generation was not touched

    assert current_generation(settings) == 0
    make_current(settings, 1)
    assert current_generation(settings) == 1

    discard(settings, 1)
    assert ReportingApplication(environment(settings, 1)).participants() == []


@pytest.mark.postgres
def test_on_postgresql_every_process_finds_the_current_generation_in_the_database(
    postgres_dsn, tmp_path
):
    """Not in `var/`: another process, or one restarted with a new `var/` (a pod's), would
    open generation 0 again and serve what the replay replaced."""
    here = Settings(var_dir=tmp_path / "here", database_url=postgres_dsn)
    elsewhere = Settings(var_dir=tmp_path / "elsewhere", database_url=postgres_dsn)
    discard(here, 0)
    assert current_generation(elsewhere) == 0
    make_current(here, 2)
    assert current_generation(elsewhere) == 2
    assert not (tmp_path / "here" / "reporting.generation").exists()
    make_current(elsewhere, 3)
    assert current_generation(here) == 3
    discard(here, 0)
