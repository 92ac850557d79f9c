"""The participant-facing words of the yearly rewards statement, in Dutch and English: one
place per language. A withheld reward says why in the reader's language; one withheld
before its reason was kept as a code says it as it was recorded (English)."""

from __future__ import annotations

from typing import Literal

Language = Literal["nl", "en"]

STATUS: dict[Language, dict[str, str]] = {
    "nl": {"earned": "verdiend", "issued": "uitgereikt", "reversed": "teruggedraaid",
           "withheld": "niet toegekend"},
    "en": {"earned": "earned", "issued": "issued", "reversed": "reversed",
           "withheld": "withheld"},
}  # fmt: skip

REASONS: dict[Language, dict[str, str]] = {
    "nl": {
        "once": "deze beloning krijg je één keer (dat was op {first})",
        "limit": "deze beloning krijg je hoogstens {limit} keer per jaar",
        "cap": "het maximum van {cap} {currency} voor {year} is bereikt",
    },
    "en": {
        "once": "this reward is earned once (it was on {first})",
        "limit": "this reward is earned at most {limit} times a year",
        "cap": "the yearly cap of {cap} {currency} for {year} is reached",
    },
}


def status_text(status: str, language: Language) -> str:
    return STATUS[language].get(status, status)


def reason_text(why: dict[str, str] | None, recorded: str, language: Language) -> str:
    """Why a reward was withheld, in `language`; `recorded` when no code was kept."""
    if not why or why.get("code") not in REASONS[language]:
        return recorded
    return REASONS[language][why["code"]].format(**why)
