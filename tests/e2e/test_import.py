"""`steiger import participants` against the running participant service."""

from __future__ import annotations

from typer.testing import CliRunner

from steiger.cli.main import app

HEADER = "external_id,name,birth_year,municipality,programme,adults\n"


def test_the_cli_imports_in_chunks_reports_refused_lines_and_is_idempotent(system, tmp_path):
    rows = [f"IMP-{n},Deelnemer {n},1980,Leiden,debt-help,1\n" for n in range(1200)]
    rows[1001] = "IMP-BAD,Te Oud,1800,Leiden,debt-help,1\n"  # line 1003 of the file
    file = tmp_path / "export.csv"
    file.write_text(HEADER + "".join(rows))
    url = system.services["participant"].url
    command = ["import", "participants", str(file), "--url", url, "--chunk-size", "500"]

    signed_in = {"STEIGER_TOKEN": system.token("administrator")}
    first = CliRunner().invoke(app, command, env=signed_in)
    assert first.exit_code == 0, first.output
    assert "1200 rows: 1199 created, 0 already present, 1 refused" in first.output
    assert "1003" in first.output and "birth_year" in first.output

    again = CliRunner().invoke(app, command, env=signed_in)
    assert "1200 rows: 0 created, 1199 already present, 1 refused" in again.output
