"""Messages from Jinja2 templates, in the participant's language (plain Dutch at B1 level, or
English). An organisation overrides any template by putting a file of the same name in
`STEIGER_NOTIFICATIONS_TEMPLATES_DIR/<language>/<kind>.txt`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency
from jinja2 import (
    BaseLoader,
    ChainableUndefined,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
)

LANGUAGES = ("nl", "en")


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


class MessageTemplates:
    def __init__(self, override_dir: Path | None = None, timezone: str = "Europe/Amsterdam"):
        loaders: list[BaseLoader] = [FileSystemLoader(override_dir)] if override_dir else []
        loaders.append(PackageLoader("steiger.notifications", "templates"))
        self.env = Environment(
            loader=ChoiceLoader(loaders),
            autoescape=False,  # plain text for e-mail and SMS
            undefined=ChainableUndefined,  # planning unreachable: general wording
            keep_trailing_newline=True,
        )
        self.env.filters["day"] = lambda d, lang: format_date(d, "EEEE d MMMM", locale=lang)
        self.env.filters["moment"] = lambda t, lang: format_datetime(
            t, "EEEE d MMMM, HH:mm", tzinfo=ZoneInfo(timezone), locale=lang
        )
        self.env.filters["money"] = lambda a, lang: format_currency(
            Decimal(a), "EUR", locale={"nl": "nl_NL", "en": "en_IE"}[lang]
        )

    def render(self, kind: str, language: str, context: dict[str, Any]) -> Message:
        language = language if language in LANGUAGES else "nl"
        template = self.env.get_template(f"{language}/{kind}.txt")
        context = {"language": language, **context}
        blocks = {
            name: "".join(block(template.new_context(context))).strip()
            for name, block in template.blocks.items()
        }
        return Message(subject=blocks["subject"], body=blocks["body"] + "\n")
