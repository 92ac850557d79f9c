"""Reference data more than one service reads: the Bridge definitions (the bridge service
interprets them; planning checks goals against their columns and steps), the rewards
menu (the rewards service applies it; planning checks an action's reward item) and the
supports a weaker executive function suggests (bridge shows them with the profile,
planning when a goal is set). Shipped
files here, plus an organisation's own, named by the same two settings everywhere:
`STEIGER_BRIDGE_DEFINITIONS_DIR` and `STEIGER_REWARDS_MENU_FILE`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

DEFAULT_MENU = "steiger-nl-2026.json"


def bridge_definitions(extra_dir: Path | None = None) -> list[dict[str, Any]]:
    """The shipped definitions, then an organisation's own (a later one with the same id and
    version replaces a shipped one)."""
    shipped = sorted(
        (p for p in files(f"{__package__}.bridges").iterdir() if p.name.endswith(".json")),
        key=lambda p: p.name,
    )
    own = sorted(Path(extra_dir).glob("*.json")) if extra_dir is not None else []
    return [json.loads(source.read_text(encoding="utf-8")) for source in [*shipped, *own]]


def menu(path: Path | None = None) -> dict[str, Any]:
    """The organisation's rewards menu, or Steiger's Dutch menu when none is set."""
    source = Path(path) if path else files(f"{__package__}.menus").joinpath(DEFAULT_MENU)
    data: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
    return data


SUPPORTS = "executive-functions-2026.json"


@cache
def executive_function_supports() -> dict[str, list[dict[str, str]]]:
    """Per executive function, the supports it suggests: a code, and the text in Dutch
    and English."""
    source = files(f"{__package__}.supports").joinpath(SUPPORTS)
    supports: dict[str, list[dict[str, str]]] = json.loads(source.read_text(encoding="utf-8"))[
        "functions"
    ]
    return supports


def supports_for(weaker: list[str]) -> list[dict[str, str]]:
    """The supports the weaker functions suggest, weakest first, each once (by code)."""
    known = executive_function_supports()
    seen: dict[str, dict[str, str]] = {}
    for function in weaker:
        for support in known.get(function, []):
            seen.setdefault(support["code"], {**support, "for": function})
    return list(seen.values())


@dataclass(frozen=True)
class Vocabulary:
    """What a goal or an action may refer to: the Bridge columns of each definition with
    their number of steps, and the menu items a completed action can earn."""

    steps: dict[tuple[str, str], dict[str, int]]
    action_items: frozenset[str]

    @classmethod
    def load(cls, definitions_dir: Path | None = None, menu_file: Path | None = None) -> Vocabulary:
        steps = {
            (d["id"], d["version"]): {c["id"]: len(c["steps"]) for c in d["columns"]}
            for d in bridge_definitions(definitions_dir)
        }
        items = menu(menu_file)["items"]
        return cls(steps, frozenset(i["id"] for i in items if i["trigger"] == "action-completed"))
