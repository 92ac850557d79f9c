"""The web app's texts: one file per language, each with every text the pages name."""

from __future__ import annotations

import json
import re
from pathlib import Path

import steiger.web

WEB = Path(steiger.web.__file__).parent
NAMED = re.compile(r"""\bt\(\s*["']([a-z0-9_.-]+)["']\s*\)""")


def texts(language: str) -> dict[str, str]:
    return json.loads((WEB / "texts" / f"{language}.json").read_text("utf-8"))


def test_dutch_and_english_have_the_same_texts() -> None:
    assert set(texts("nl")) == set(texts("en"))
    assert all(value.strip() for value in [*texts("nl").values(), *texts("en").values()])


def test_every_text_a_page_names_is_there() -> None:
    named = {
        key
        for template in (WEB / "templates").glob("*.html")
        for key in NAMED.findall(template.read_text("utf-8"))
    }
    assert named, "the pattern finds the templates' texts"
    assert named - set(texts("nl")) == set()
