"""Reference data kept as versioned JSON files: the ones shipped in a package, then an
organisation's own from a directory (as Bridge definitions are added). A file of the
organisation's with a shipped id and version replaces the shipped one."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any, Protocol, TypeVar

from steiger.bridge.domain.errors import InvalidDefinition


class Versioned(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def version(self) -> str: ...


T = TypeVar("T", bound=Versioned)


def load_versioned(
    package: str, extra_dir: Path | None, parse: Callable[[dict[str, Any]], T]
) -> dict[tuple[str, str], T]:
    shipped = sorted(
        (f for f in files(package).iterdir() if f.name.endswith(".json")), key=lambda f: f.name
    )
    own = sorted(Path(extra_dir).glob("*.json")) if extra_dir is not None else []
    loaded: dict[tuple[str, str], T] = {}
    for source in [*shipped, *own]:
        try:
            item = parse(json.loads(source.read_text(encoding="utf-8")))
        except (ValueError, InvalidDefinition) as error:
            raise InvalidDefinition(f"{source.name}: {error}") from error
        loaded[(item.id, item.version)] = item
    return loaded
