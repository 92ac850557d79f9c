"""Notifications' read model: which notifications are pending and when they fall due.

Kept in memory, fed by every write of the service (events, not polling) and rebuilt from
the store at start-up; the dispatcher asks it what is due instead of scanning the store."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from steiger.notifications.domain.notifications import ParticipantNotifications as Owner

_SETS_TIME = (Owner.Scheduled, Owner.Retimed, Owner.AttemptFailed)
_ENDS = (Owner.Sent, Owner.Failed, Owner.Skipped, Owner.Cancelled)


class DueIndex:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[UUID, tuple[float, UUID]] = {}
        """notification id -> (when it falls due as a POSIX timestamp, owner id). Timestamps,
        for comparing aware datetimes in different zones asks each for its UTC offset, twenty
        times slower (docs/benchmarks.md, "Measurements behind the code")."""

    def add_owner(self, owner: Owner) -> None:
        with self._lock:
            for n in owner.pending():
                self._pending[n.notification_id] = (n.send_at.timestamp(), owner.id)

    def follow(self, domain_events: Iterable[Any]) -> None:
        with self._lock:
            for e in domain_events:
                if isinstance(e, _SETS_TIME):
                    moment = e.retry_at if isinstance(e, Owner.AttemptFailed) else e.send_at
                    self._pending[e.notification_id] = (moment.timestamp(), e.originator_id)
                elif isinstance(e, _ENDS):
                    self._pending.pop(e.notification_id, None)

    def correct(self, owner: Owner, notification_id: UUID) -> None:
        """The notification as its owner has it now: pending at its time, or gone."""
        n = owner.notifications.get(notification_id)
        with self._lock:
            if n is None or n.status != "pending":
                self._pending.pop(notification_id, None)
            else:
                self._pending[notification_id] = (n.send_at.timestamp(), owner.id)

    def due(self, now: dt.datetime) -> list[tuple[UUID, UUID]]:
        """(owner id, notification id) of everything due at `now`, earliest first."""
        until = now.timestamp()
        with self._lock:
            due = [(at, owner, n) for n, (at, owner) in self._pending.items() if at <= until]
        return [(owner, n) for _, owner, n in sorted(due)]

    def count_due(self, now: dt.datetime) -> int:
        """How many `due(now)` would return, without listing and sorting them (asked by the
        queue endpoint, which operators and the benchmark poll)."""
        until = now.timestamp()
        with self._lock:
            return sum(1 for at, _ in self._pending.values() if at <= until)

    def __len__(self) -> int:
        return len(self._pending)
