"""Chain partners in memory: the partners themselves, which participants consented to which
partner, and which subscriptions have something to deliver to whom.

Fed by every write of the service (as `DueIndex` is) and rebuilt from the store at start-up,
so the webhook workers ask it whom to serve instead of scanning the store. A mark says only
"look at this participant's history for this subscription": the worker decides there, with
the consent as it stands then, whether anything goes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

from steiger.notifications.domain.partners import Partner
from steiger.notifications.domain.sharing import SharedHistory

_PARTNER_EVENTS = (Partner.Registered, Partner.Changed, Partner.Subscribed,
                   Partner.SubscriptionChanged, Partner.SubscriptionEnded, Partner.Ended,
                   Partner.SecretRotated, Partner.FailingSince, Partner.ContactTold,
                   Partner.Recovered)  # fmt: skip


class PartnerIndex:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._partners: dict[str, Partner] = {}
        self._consents: dict[UUID, set[str]] = {}
        """history id -> the partners its participant consented to."""
        self._pending: dict[UUID, dict[UUID, tuple[float, int]]] = {}
        """subscription id -> history id -> (not before, as time.monotonic(); mark number)."""
        self._marks = 0

    # -- what it knows -------------------------------------------------------------------

    def partner(self, key: str) -> Partner | None:
        with self._lock:
            return self._partners.get(key)

    def partners(self) -> list[Partner]:
        with self._lock:
            return sorted(self._partners.values(), key=lambda p: p.key)

    def consenting(self, partner: str) -> list[UUID]:
        """The histories whose participant consents to `partner` now."""
        with self._lock:
            return [h for h, partners in self._consents.items() if partner in partners]

    # -- following the store ----------------------------------------------------------------

    def add_partner(self, partner: Partner) -> None:
        with self._lock:
            self._partners[partner.key] = partner
            for subscription in partner.active_subscriptions():
                self._pending.setdefault(subscription.subscription_id, {})
        self.mark_all(partner.key)

    def add_history(self, history: SharedHistory) -> None:
        with self._lock:
            self._consents[history.id] = set(history.consents)
            self._mark(history.id, history.consents)

    def follow(self, domain_events: Iterable[Any], load: Callable[[UUID], Any]) -> None:
        """Brings the index up to date with events just written; `load` reads an aggregate
        as it is now (a partner after one of its events)."""
        changed_partners: dict[UUID, None] = {}
        with self._lock:
            for e in domain_events:
                if isinstance(e, _PARTNER_EVENTS):
                    changed_partners[e.originator_id] = None
                elif isinstance(e, SharedHistory.Shared):
                    self._mark(e.originator_id, self._consents.get(e.originator_id, ()))
                elif isinstance(e, SharedHistory.Consented):
                    self._consents.setdefault(e.originator_id, set()).add(e.partner)
                    self._mark(e.originator_id, (e.partner,))
                elif isinstance(e, SharedHistory.Withdrawn):
                    self._consents.get(e.originator_id, set()).discard(e.partner)
                elif isinstance(e, SharedHistory.Erased):
                    self._consents.pop(e.originator_id, None)
        for partner_id in changed_partners:
            self.add_partner(load(partner_id))

    # -- the workers' queue -------------------------------------------------------------------

    def mark_all(self, partner: str) -> None:
        """Every consenting participant, for every subscription of the partner (a new or
        changed subscription, a resend, a start-up)."""
        with self._lock:
            for history_id, partners in self._consents.items():
                if partner in partners:
                    self._mark(history_id, (partner,))

    def _mark(self, history_id: UUID, partners: Iterable[str]) -> None:
        now = time.monotonic()
        for key in partners:
            partner = self._partners.get(key)
            if partner is None:
                continue
            for subscription in partner.active_subscriptions():
                if subscription.endpoint is None:
                    continue
                self._marks += 1
                queue = self._pending.setdefault(subscription.subscription_id, {})
                queue[history_id] = (now, self._marks)

    def ready(self, subscription_id: UUID, limit: int) -> list[tuple[UUID, int]]:
        """Up to `limit` histories whose time has come, each with its mark (for `settle`)."""
        now = time.monotonic()
        with self._lock:
            queue = self._pending.get(subscription_id, {})
            found = [(h, mark) for h, (at, mark) in queue.items() if at <= now]
        return found[:limit]

    def settle(
        self, subscription_id: UUID, history_id: UUID, mark: int, wait: float | None
    ) -> None:
        """The worker is done with a history for now: nothing left (`wait` None) or something
        to try again in `wait` seconds. A mark made meanwhile stands: it is served again."""
        with self._lock:
            queue = self._pending.get(subscription_id, {})
            current = queue.get(history_id)
            if current is None or current[1] != mark:
                return
            if wait is None:
                del queue[history_id]
            else:
                queue[history_id] = (time.monotonic() + wait, mark)
