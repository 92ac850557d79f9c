"""Webhooks to chain partners: each subscription with an endpoint gets its own worker, so a
partner whose receiver hangs or is down delays no other partner and no participant's reminder.

A worker serves the participants the index marked, a few side by side, each one's events in
order: the next event the partner may see now (`PartnerSharing.visible`) is posted in the
CloudEvents HTTP binding (structured mode), signed per Standard Webhooks with the partner's
secrets (the new and the rotated-out one during the overlap), with the event's id as
`webhook-id` for deduplication. It is recorded as delivered only after a 2xx, so after a crash
it is posted again with the same id. A failure is retried with backoff for three days, then
parked; a 410 Gone ends the subscription. Redirects are not followed. When a partner's
deliveries have failed for an hour, its contact gets one e-mail.

Runs on the service's leader only (`ServiceParts.background`): one process sends.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import aiohttp
import structlog
from standardwebhooks import Webhook

from steiger.notifications.domain.partners import Partner, Subscription
from steiger.notifications.domain.sharing import RETRY_AFTER, Deliveries, Entry, SharedHistory
from steiger.notifications.partner_index import PartnerIndex
from steiger.notifications.partners import PartnerSharing
from steiger.shared.concurrency import off_the_loop

log = structlog.get_logger("partner deliveries")

CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
ALERT_AFTER = dt.timedelta(hours=1)


RUN = 20
"""Events posted for one participant in one go; the consent is looked at again between runs."""


@dataclass
class Served:
    """What serving one participant's history for one subscription came to."""

    deliveries: Deliveries | None
    """Changed by the posts (recorded by the caller, with the others of its round)."""
    wait: float | None = None
    """Seconds before looking again; None: when something new comes."""
    posted: int = 0
    accepted: int = 0
    failed: int = 0
    parked: int = 0
    gone: bool = False


@dataclass(frozen=True)
class Answer:
    """What a receiver answered: its status (None: no answer), and why it did not count."""

    status: int | None
    reason: str | None = None

    @property
    def accepted(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def gone(self) -> bool:
        return self.status == 410


async def post(
    client: aiohttp.ClientSession,
    endpoint: str,
    event: dict[str, Any],
    secrets: list[str],
    now: dt.datetime,
) -> Answer:
    body = json.dumps(event, separators=(",", ":"))
    signatures = " ".join(Webhook(secret).sign(event["id"], now, body) for secret in secrets)
    headers = {
        "content-type": CONTENT_TYPE,
        "webhook-id": event["id"],
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signatures,
    }
    try:
        async with client.post(
            endpoint, data=body.encode(), headers=headers, allow_redirects=False
        ) as response:
            status = response.status
            await response.read()  # the connection is reused only once the answer was read
    except TimeoutError:
        return Answer(None, "no answer in time")
    except aiohttp.ClientError as error:
        return Answer(None, f"unreachable: {type(error).__name__}")
    if 200 <= status < 300:
        return Answer(status)
    if 300 <= status < 400:
        return Answer(status, f"answered {status}: redirects are not followed")
    return Answer(status, f"answered {status}")


def webhook_client(timeout: float, connections: int) -> aiohttp.ClientSession:
    """A session for one subscription's webhooks: at most `connections` at a time, each
    attempt given up after `timeout` seconds."""
    return aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=timeout),
        connector=aiohttp.TCPConnector(limit=connections),
        trust_env=False,
    )


class PartnerDelivery:
    def __init__(
        self,
        sharing: PartnerSharing,
        index: PartnerIndex,
        tell_contact: Callable[[Partner, dt.datetime], None],
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        concurrency: int = 4,
        timeout: float = 10.0,
        recheck_seconds: float = 30.0,
        poll_seconds: float = 0.05,
        backoff: tuple[dt.timedelta, ...] = RETRY_AFTER,
        counted: Callable[[str, str, int], None] | None = None,
    ) -> None:
        self.sharing, self.index, self.tell_contact = sharing, index, tell_contact
        self.clock, self.concurrency, self.timeout = clock, concurrency, timeout
        self.recheck_seconds = recheck_seconds
        """At most this long between looks at a failing delivery (its retry may be due)."""
        self.poll_seconds = poll_seconds
        self.backoff = backoff
        self.counted = counted
        """Told, per round, how many deliveries to a partner ended how (the metrics)."""

    async def run(self) -> None:
        """Starts and stops a worker per subscription with an endpoint, as they come and go."""
        workers: dict[UUID, asyncio.Task[None]] = {}
        try:
            while True:
                wanted = {
                    s.subscription_id: p.key
                    for p in self.index.partners()
                    for s in p.active_subscriptions()
                    if s.endpoint is not None
                }
                for subscription_id in list(workers):
                    if subscription_id not in wanted:
                        workers.pop(subscription_id).cancel()
                for subscription_id, key in wanted.items():
                    if subscription_id not in workers or workers[subscription_id].done():
                        workers[subscription_id] = asyncio.create_task(
                            self.serve(key, subscription_id)
                        )
                await self.alert_contacts()
                await asyncio.sleep(1.0)
        finally:
            for task in workers.values():
                task.cancel()
            await asyncio.gather(*workers.values(), return_exceptions=True)

    def client(self) -> aiohttp.ClientSession:
        return webhook_client(self.timeout, self.concurrency)

    async def serve(self, key: str, subscription_id: UUID) -> None:
        async with self.client() as client:
            while True:
                if not await self.serve_ready(client, key, subscription_id):
                    await asyncio.sleep(self.poll_seconds)

    async def serve_ready(
        self, client: aiohttp.ClientSession, key: str, subscription_id: UUID
    ) -> list[UUID]:
        """Serves the participants whose turn it is (up to `concurrency`) side by side, and
        records what became of their deliveries in one transaction; returns whose histories
        it served. After a crash before that commit, what was posted is posted again, with
        the same ids."""
        ready = self.index.ready(subscription_id, self.concurrency)
        if not ready:
            return []
        served = await asyncio.gather(
            *(self.serve_history(client, key, subscription_id, h) for h, _ in ready),
            return_exceptions=True,
        )
        outcomes: list[Served] = []
        for outcome in served:
            if isinstance(outcome, BaseException):
                log.error("partner delivery failed", partner=key, exc_info=outcome)
                outcome = Served(None, wait=self.recheck_seconds)
            outcomes.append(outcome)
        changed = [o.deliveries for o in outcomes if o.deliveries is not None and o.posted]
        try:
            if changed:
                self.sharing.app.save(*changed)
        except Exception:
            log.exception("partner deliveries not recorded; they go again", partner=key)
            outcomes = [Served(None, wait=self.recheck_seconds) for _ in outcomes]
        self._partner_changes(key, subscription_id, outcomes)
        if self.counted is not None:
            for how in ("accepted", "failed", "parked"):
                done = sum(getattr(o, how) for o in outcomes)
                if done:
                    self.counted(key, how, done)
        for (history_id, mark), outcome in zip(ready, outcomes, strict=True):
            self.index.settle(subscription_id, history_id, mark, outcome.wait)
        return [h for h, _ in ready]

    async def deliver_ready(self) -> None:
        """One round of what the workers do, for tests: every subscription's participants
        whose turn it is, each served once."""
        async with self.client() as client:
            for partner in self.index.partners():
                for s in partner.active_subscriptions():
                    if s.endpoint is None:
                        continue
                    served: set[UUID] = set()
                    while (
                        new := set(await self.serve_ready(client, partner.key, s.subscription_id))
                        - served
                    ):
                        served |= new

    async def serve_history(
        self, client: aiohttp.ClientSession, key: str, subscription_id: UUID, history_id: UUID
    ) -> Served:
        """Posts one participant's events to one subscription, in order, until none is left,
        one fails, or `RUN` went (the consent is looked at again before the next run)."""
        found = self.plan(key, subscription_id, history_id)
        if found is None or isinstance(found, float):
            return Served(None, wait=found)
        partner, subscription, history, deliveries, entries = found
        endpoint = subscription.endpoint
        assert endpoint is not None
        served = Served(deliveries)
        for entry in entries[:RUN]:
            event = self.sharing.cloud_event(partner, history, entry)
            secrets = partner.signing_secrets(self.clock())
            # the receiver checks the signature's time against its own clock
            answer = await post(client, endpoint, event, secrets, dt.datetime.now(dt.UTC))
            now = self.clock()
            served.posted += 1
            if answer.accepted:
                deliveries.delivered(entry.version, answer.status or 200, now)
                served.accepted += 1
                continue
            if answer.gone:
                served.gone = True
                return served
            reason = answer.reason or "failed"
            deliveries.attempt_failed(entry.version, answer.status, reason, now, self.backoff)
            if deliveries.failing is None:  # parked: the next event goes
                served.parked += 1
                log.warning("partner delivery parked", partner=key, reason=reason)
                continue
            served.failed += 1
            log.info("partner delivery failed", partner=key, reason=reason)
            served.wait = min(
                (deliveries.failing.retry_at - now).total_seconds(), self.recheck_seconds
            )
            return served
        if len(entries) > RUN:
            served.wait = 0.0  # more to go, in the next run
        return served

    def plan(
        self, key: str, subscription_id: UUID, history_id: UUID
    ) -> tuple[Partner, Subscription, SharedHistory, Deliveries, list[Entry]] | float | None:
        """What goes to this subscription about this participant now, in order; or how many
        seconds to wait before looking again (a retry not yet due); or None: nothing."""
        partner = self.index.partner(key)
        subscription = partner.subscriptions.get(subscription_id) if partner else None
        if partner is None or subscription is None or subscription.ended or partner.ended:
            return None
        history = self.sharing.history(history_id)
        if key not in history.consents or history.erased:
            return None
        deliveries = self.sharing.deliveries(partner, subscription, history)
        now = self.clock()
        if deliveries.failing is not None and deliveries.failing.retry_at > now:
            until = (deliveries.failing.retry_at - now).total_seconds()
            return min(until, self.recheck_seconds)
        entries = [
            entry
            for entry in self.sharing.entries(history, deliveries.delivered_up_to)
            if any(
                s.subscription_id == subscription_id
                for s in self.sharing.visible(partner, history, entry)
            )
        ]
        if not entries:
            return None
        return partner, subscription, history, deliveries, entries

    def _partner_changes(self, key: str, subscription_id: UUID, outcomes: list[Served]) -> None:
        """What the outcomes say about the partner: a 410 ends the subscription; failures
        start the stretch its contact hears of; a success ends it."""
        now = self.clock()
        partner = self.index.partner(key)
        if partner is None:
            return
        if any(o.gone for o in outcomes):
            reason = "the receiver answered 410 Gone: it wants no more"
            self.sharing.end_subscription(key, subscription_id, reason)
            log.warning("subscription ended by its receiver", partner=key)
        if partner.alert is None and any(o.failed or o.parked for o in outcomes):
            self.sharing.failing_since(key, now)
        elif partner.alert is not None and any(o.accepted for o in outcomes):
            self.sharing.recovered(key, now)

    async def alert_contacts(self) -> None:
        """One e-mail to the contact of each partner whose deliveries have failed for an
        hour (and not since told)."""
        now = self.clock()
        for partner in self.index.partners():
            alert = partner.alert
            if alert is None or alert.told_at is not None or now - alert.since < ALERT_AFTER:
                continue
            try:
                await off_the_loop(self.tell_contact, partner, alert.since)
            except Exception:
                log.exception("the partner's contact could not be told", partner=partner.key)
                continue
            self.sharing.contact_told(partner.key, now)
