"""Erasure (GDPR art. 17) on both stores: after it, nothing readable is left of the person."""

from __future__ import annotations

import base64
import datetime as dt
import os
from pathlib import Path

import psycopg
import pytest

from steiger.participant.application import ParticipantApplication
from steiger.participant.domain.errors import ParticipantErased
from steiger.participant.domain.personal_data import Address, PersonalData
from steiger.participant.settings import Settings

PERSON = PersonalData(
    name="Johanna Zwaantje Bakker",
    birth_year=1979,
    phone="+31 6 98765432",
    email="johanna.bakker@example.nl",
    address=Address("Zwanenlaan", "17", "2406 AB", "Alphen aan den Rijn"),
    bsn="111222333",
    external_id="SUITE-0042",
)
NEEDLES = [PERSON.name, "Zwaantje", PERSON.email, PERSON.bsn, PERSON.phone, "Zwanenlaan"]


def register(app: ParticipantApplication, personal: PersonalData):
    return app.register(
        personal,
        programme="debt-help",
        municipality="Alphen aan den Rijn",
        neighbourhood=None,
        target_group=None,
        language="nl",
        household={"adults": 1, "preschool_children": 0, "school_age_children": 2},
        registered_on=dt.date(2026, 11, 2),
    )


def raw_sqlite_bytes(directory: Path) -> bytes:
    """Every byte of every store file, write-ahead logs and journals included."""
    return b"".join(path.read_bytes() for path in sorted(directory.iterdir()) if path.is_file())


def raw_postgres_text(env: dict[str, str]) -> str:
    """Every row of every table in the service's schema, as text."""
    with psycopg.connect(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=env["POSTGRES_PORT"],
        user=env["POSTGRES_USER"],
        autocommit=True,
    ) as db:
        tables = db.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (env["POSTGRES_SCHEMA"],),
        ).fetchall()
        dump = []
        for (table,) in tables:
            rows = db.execute(f'SELECT t::text FROM "{env["POSTGRES_SCHEMA"]}"."{table}" t')
            dump.extend(row[0] for row in rows)
    return "\n".join(dump)


def raw_postgres_files(env: dict[str, str]) -> bytes | None:
    """The database's table files after a checkpoint, when the server runs on this machine
    (the throwaway test server does); None for a server elsewhere. Its WAL is left out:
    PostgreSQL's own log keeps old pages until it is recycled (see keystore.py)."""
    with psycopg.connect(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=env["POSTGRES_PORT"],
        user=env["POSTGRES_USER"],
        autocommit=True,
    ) as db:
        db.execute("CHECKPOINT")
        (data_directory,) = db.execute("SHOW data_directory").fetchone()
        (oid,) = db.execute(
            "SELECT oid FROM pg_database WHERE datname = current_database()"
        ).fetchone()
    files = Path(data_directory) / "base" / str(oid)
    if not files.is_dir():
        return None
    return b"".join(path.read_bytes() for path in files.iterdir() if path.is_file())


def readable(haystack: bytes | str, needle: str) -> bool:
    text = haystack if isinstance(haystack, str) else haystack.decode("latin-1")
    forms = {needle, needle.encode().hex(), base64.b64encode(needle.encode()).decode()}
    return any(form in text for form in forms)


def test_after_erasure_no_personal_data_is_readable_and_statistics_remain(store_env, tmp_path):
    settings = Settings(var_dir=tmp_path, master_key=base64.b64encode(os.urandom(32)).decode())
    env = store_env(settings)
    app = ParticipantApplication(env)
    try:
        erased_id = register(app, PERSON)
        kept_id = register(app, PersonalData(name="Kees Kept", birth_year=1990))
        wrapped_key = app.keys.get_key(erased_id)
        assert app.participant(erased_id)["name"] == PERSON.name

        app.erase(erased_id, dt.date(2026, 11, 22))

        with pytest.raises(ParticipantErased):
            app.participant(erased_id)
        assert app.keys.get_key(erased_id) is None
        assert app.participant(kept_id)["name"] == "Kees Kept"  # others unaffected
        pseudonymous = app.repository.get(erased_id)
        assert (pseudonymous.programme, pseudonymous.cohort) == ("debt-help", "2026-11")
    finally:
        app.close()

    if store_env.kind == "sqlite":
        raw = raw_sqlite_bytes(tmp_path)
        assert b"Kees" not in raw  # not even a participant who was never erased is in clear
        assert wrapped_key not in raw  # the destroyed key left no copy in any file
    else:
        files = raw_postgres_files(env)
        if files is not None:  # no dead tuple or old table file keeps the destroyed key
            assert wrapped_key not in files
        raw = raw_postgres_text(env)
        assert wrapped_key.hex() not in raw
        assert "Kees" not in raw
    for needle in NEEDLES:
        assert not readable(raw, needle), needle
