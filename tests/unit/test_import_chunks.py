"""`steiger import` reads files as spreadsheet programs save them."""

from __future__ import annotations

import csv
import io

from steiger.cli.importer import _count_rows, csv_chunks


def test_a_dutch_excel_file_is_sent_as_utf8_comma_separated_chunks(tmp_path):
    file = tmp_path / "export.csv"
    rows = ["external_id;name;birth_year"] + [f"X-{n};José Peña {n};1980" for n in range(5)]
    file.write_bytes("\r\n".join(rows).encode("cp1252"))

    chunks = list(csv_chunks(file, 2))

    assert [(start, count) for start, count, _ in chunks] == [(1, 2), (3, 2), (5, 1)]
    read_back = list(csv.DictReader(io.StringIO(chunks[0][2])))
    assert read_back[0] == {"external_id": "X-0", "name": "José Peña 0", "birth_year": "1980"}
    assert _count_rows(file, is_csv=True) == 5
