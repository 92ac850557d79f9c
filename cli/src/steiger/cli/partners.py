"""`steiger partners list|log|resend`: the chain partners, what waits for each, their delivery
log, and sending parked or past deliveries again (the notifications service's /partners
routes)."""

from __future__ import annotations

import httpx
from rich.console import Console
from rich.table import Table

from steiger.cli.credentials import bearer
from steiger.cli.dead_letters import Refused, answer_of
from steiger.shared.access import Role
from steiger.shared.services import url_of


def _get(path: str) -> object:
    url = f"{url_of('notifications')}{path}"
    return answer_of(httpx.get(url, timeout=60, headers=bearer(Role.OPERATOR)))


def list_partners(console: Console) -> int:
    partners = _get("/partners")
    assert isinstance(partners, list)
    table = Table(title=f"chain partners ({len(partners)})")
    for column in ("partner", "name", "subscriptions", "consenting", "undelivered", "lag",
                   "failing", "parked", "failing since"):  # fmt: skip
        table.add_column(column)
    for p in partners:
        figures = _get(f"/partners/{p['key']}/operations")
        assert isinstance(figures, dict)
        active = [s for s in p["subscriptions"] if not s["ended"]]
        table.add_row(
            p["key"] + (" (ended)" if p["ended"] else ""),
            p["name"],
            str(len(active)),
            str(figures["consenting_participants"]),
            str(figures["undelivered"]),
            f"{figures['lag_seconds']:.0f} s",
            str(figures["failing"]),
            str(figures["parked"]),
            (figures["failing_since"] or "")[:19],
        )
    console.print(table)
    return len(partners)


def show_log(console: Console, partner: str, after: int) -> int:
    attempts = _get(f"/partners/{partner}/deliveries?after={after}&limit=1000")
    assert isinstance(attempts, list)
    table = Table(title=f"deliveries to {partner} after {after} ({len(attempts)})")
    for column in ("position", "at", "outcome", "status", "event", "reason", "retry at"):
        table.add_column(column)
    for a in attempts:
        table.add_row(
            str(a["position"]),
            a["at"][:19],
            a["outcome"],
            str(a["status"] or ""),
            a["event_id"],
            a["reason"] or "",
            (a["retry_at"] or "")[:19],
        )
    console.print(table)
    return len(attempts)


def resend(console: Console, partner: str, positions: list[int], parked: bool) -> int:
    """Sends the logged deliveries at `positions` (or every parked one) again; returns how
    many the receiver accepted."""
    if not positions and not parked:
        raise Refused("name the deliveries (positions from `steiger partners log`) or --parked")
    base = f"{url_of('notifications')}/partners/{partner}"
    headers = bearer(Role.OPERATOR)
    answers: list[dict[str, object]] = []
    if parked:
        found = answer_of(httpx.post(f"{base}/parked/resend", timeout=600, headers=headers))
        assert isinstance(found, list)
        answers.extend(found)
    for position in positions:
        url = f"{base}/deliveries/{position}/resend"
        found = answer_of(httpx.post(url, timeout=60, headers=headers))
        assert isinstance(found, dict)
        answers.append(found)
    accepted = 0
    for a in answers:
        status = a["status"]
        ok = isinstance(status, int) and 200 <= status < 300
        accepted += ok
        console.print(f"{a['event_id']}: {status or 'no answer'} {a['reason'] or ''}".rstrip())
    console.print(f"{accepted} of {len(answers)} accepted by {partner}")
    return accepted
