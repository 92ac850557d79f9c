"""`steiger dead-letters list|show|retry SERVICE`: what a service parked, and sending a
parked record back once its cause is fixed (the service's /dead-letters routes)."""

from __future__ import annotations

import json

import httpx
from rich.console import Console
from rich.table import Table

from steiger.cli.credentials import bearer
from steiger.shared.access import Role
from steiger.shared.services import url_of


class Refused(Exception):
    pass


def answer_of(response: httpx.Response) -> object:
    """The JSON of a service's answer; `Refused` with its problem for a 4xx or 5xx."""
    if response.status_code >= 400:
        try:
            problem = response.json()
            reason = problem.get("detail") or problem.get("title")
        except ValueError:
            reason = response.text
        raise Refused(f"{response.status_code}: {reason}")
    return response.json()


def list_parked(console: Console, service: str) -> int:
    parked = answer_of(
        httpx.get(f"{url_of(service)}/dead-letters", timeout=30, headers=_operator())
    )
    assert isinstance(parked, list)
    table = Table(title=f"parked by {service} ({len(parked)})")
    for column in ("at", "position", "stage", "from", "event", "sequence", "retried", "reason"):
        table.add_column(column)
    for p in parked:
        table.add_row(
            p["parked_at"][:19],
            f"{p['partition']}/{p['offset']}",
            p["stage"],
            p["topic"],
            p["event_type"] or "",
            str(p["sequence"] or ""),
            {True: "yes", False: "no", None: ""}[p["retried"]],
            p["reason"],
        )
    console.print(table)
    return len(parked)


def show_parked(console: Console, service: str, position: str) -> None:
    partition, offset = _position(position)
    record = answer_of(
        httpx.get(
            f"{url_of(service)}/dead-letters/{partition}/{offset}",
            timeout=30,
            headers=_operator(),
        )
    )
    console.print_json(json.dumps(record))


def retry_parked(console: Console, service: str, position: str) -> str:
    partition, offset = _position(position)
    url = f"{url_of(service)}/dead-letters/{partition}/{offset}/retry"
    outcome = answer_of(httpx.post(url, timeout=60, headers=_operator()))
    assert isinstance(outcome, dict)
    console.print(f"{service} {position}: {outcome['outcome']}")
    return str(outcome["outcome"])


def _operator() -> dict[str, str]:
    return bearer(Role.OPERATOR)


def _position(position: str) -> tuple[int, int]:
    partition, _, offset = position.partition("/")
    if not (partition.isdigit() and offset.isdigit()):
        raise Refused(f"{position!r} is not a position: PARTITION/OFFSET, as `list` shows it")
    return int(partition), int(offset)
