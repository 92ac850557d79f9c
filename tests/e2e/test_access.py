"""Access over the wire, in the whole system (issue 25): a mentor's read in bridge shows in
the privacy officer's merged trail and in the participant's subject access export; another
mentor's attempt is refused and recorded; a tampered entry is found by `steiger audit verify`."""

from __future__ import annotations

import sqlite3
import uuid

import httpx
import pytest
from typer.testing import CliRunner

from steiger.cli.main import app

pytestmark = pytest.mark.e2e


def test_reads_and_refusals_are_in_the_trail_and_a_tampered_entry_is_found(system, e2e):
    staff = e2e.client(system)
    anna, bram = str(uuid.uuid4()), str(uuid.uuid4())
    staff.register_mentor("Anna", "noord", anna)
    staff.register_mentor("Bram", "zuid", bram)
    as_anna = e2e.client(system, system.token("mentor", subject=anna))
    pid = as_anna.register("Audit Deelnemer", {"adults": 1})  # on Anna's caseload
    positions = f"/participants/{pid}/positions"
    e2e.wait_until(lambda: as_anna.get("bridge", positions).status_code in (200, 404))

    purpose = {"X-Purpose": "intake-review"}
    read = as_anna.http.get(as_anna.base["bridge"] + positions, headers=purpose)
    assert read.status_code in (200, 404)  # nothing recorded yet: her read all the same
    as_bram = e2e.client(system, system.token("mentor", subject=bram))
    assert as_bram.get("bridge", positions).status_code == 403
    nobody = httpx.get(as_anna.base["bridge"] + positions)
    assert nobody.status_code == 401 and nobody.headers["www-authenticate"].startswith("Bearer")

    officer = e2e.client(system, system.token("privacy-officer", subject="po-1"))
    merged = officer.get("participant", f"/audit?participant={pid}").json()
    assert merged["unavailable"] == {}
    in_bridge = [e for e in merged["entries"] if e["service"] == "bridge"]
    anna_read = next(e for e in in_bridge if e["purpose"] == "intake-review")
    assert (anna_read["subject"], anna_read["roles"]) == (anna, ["mentor"])
    assert anna_read["operation"] == "GET /participants/{participant_id}/positions"
    assert anna_read["outcome"] == "admitted" and anna_read["participant_id"] == pid
    assert any(e["subject"] == bram and e["outcome"] == "Forbidden" for e in in_bridge)
    assert all("Audit Deelnemer" not in str(e) for e in merged["entries"])  # no names in it

    export = officer.get("participant", f"/participants/{pid}/export").json()
    assert export["complete"] is True
    assert any(e["subject"] == anna and e["service"] == "bridge" for e in export["who_looked"])
    # the services asked for the export record whom they asked for
    trail = officer.get("bridge", f"/audit?participant={pid}").json()
    assert any(e["on_behalf_of"] == "po-1" and e["subject"] == "steiger-participant" for e in trail)
    # and reading the trail is in the trail
    assert any(e["operation"] == "GET /audit" and e["on_behalf_of"] == "po-1" for e in trail)

    verify = ["audit", "verify", "--var-dir", str(system.var_dir)]
    intact = CliRunner().invoke(app, verify, env={"COLUMNS": "200"})
    assert intact.exit_code == 0, intact.output
    with sqlite3.connect(system.var_dir / "bridge-audit.sqlite") as db:
        db.execute(
            "UPDATE audit_trail SET entry = replace(entry, ?, ?) WHERE position = ("
            "SELECT min(position) FROM audit_trail WHERE entry LIKE ?)",
            (anna, bram, f'%"subject":"{anna}"%'),
        )
    tampered = CliRunner().invoke(app, verify, env={"COLUMNS": "200"})
    assert tampered.exit_code == 1
    assert "bridge" in tampered.output and "changed" in tampered.output
    for client in (staff, as_anna, as_bram, officer):
        client.close()
