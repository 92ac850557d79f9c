"""Text for the PDF core fonts, which cover Latin-1 only. Dutch fits; a name from elsewhere
(Şahin, Łukasz, Nguyễn) keeps its letters without their marks rather than becoming
question marks; a script without Latin letters still does."""

from __future__ import annotations

import unicodedata

WITHOUT_MARKS = str.maketrans(
    {
        "Ł": "L",
        "ł": "l",
        "ı": "i",
        "Đ": "D",
        "đ": "d",
        "Œ": "OE",
        "œ": "oe",
        "Ħ": "H",
        "ħ": "h",
        "€": "EUR",
        "–": "-",
        "—": "-",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "…": "...",
    }
)
"""Letters with a stroke or without a dot, which Unicode does not decompose, and the
punctuation and currency sign a typed text brings along."""


def latin1(text: str) -> str:
    kept = []
    for character in text.translate(WITHOUT_MARKS):
        if ord(character) < 256:
            kept.append(character)
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFKD", character) if not unicodedata.combining(c)
        )
        kept.append(base if base and all(ord(c) < 256 for c in base) else "?")
    return "".join(kept)
