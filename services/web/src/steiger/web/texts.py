"""The app's texts, one file per language (`texts/nl.json`, `texts/en.json`); Dutch first."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

LANGUAGES = ("nl", "en")
_FOLDER = Path(__file__).parent / "texts"


@cache
def texts(language: str) -> dict[str, str]:
    chosen = language if language in LANGUAGES else LANGUAGES[0]
    loaded: dict[str, str] = json.loads((_FOLDER / f"{chosen}.json").read_text("utf-8"))
    return loaded


def translator(language: str) -> Callable[[str], str]:
    """`t(key)` for the templates: the text in `language`, the key itself if it has none."""
    known = texts(language)
    return lambda key: known.get(key, key)
