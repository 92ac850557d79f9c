"""Chain partners, the notifications service's part: their registry and subscriptions, what a
partner may see of a participant's history, as what CloudEvent, and the pull feed.

One rule decides everything a partner gets, webhook or feed (`PartnerSharing.visible`): the
event is one partners can receive, the participant's consent to this partner stands and covers
its category (and its time: after the consent, or any time when the consent included the
past), the file is not restricted, and one of the partner's active subscriptions covers the
event's type and attributes.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.utils import get_topic

from steiger.notifications.domain.errors import (
    DeliveryNotFound,
    InvalidPartner,
    NotResendable,
    NotYourFeed,
    PartnerExists,
    PartnerNotFound,
)
from steiger.notifications.domain.partners import Partner, Subscription
from steiger.notifications.domain.pseudonyms import Pseudonyms
from steiger.notifications.domain.sharing import Deliveries, Entry, SharedHistory
from steiger.notifications.partner_index import PartnerIndex
from steiger.shared.eventstore import ServiceApplication, retry_on_conflict

SHARED_TOPIC = get_topic(SharedHistory.Shared)
ATTEMPTED_TOPIC = get_topic(Deliveries.Attempted)
FEED_PAGE = 100


@dataclass(frozen=True)
class Resend:
    """A delivery to post again: to whom, where, and which event of whose history."""

    partner: Partner
    subscription: Subscription
    history: SharedHistory
    entry: Entry


@dataclass(frozen=True)
class FeedPage:
    events: list[dict[str, Any]]
    cursor: str
    """Where the next page starts: the last event's place (or where this one started)."""


def new_secret() -> str:
    """A Standard Webhooks signing secret."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class PartnerSharing:
    def __init__(
        self,
        app: ServiceApplication,
        index: PartnerIndex,
        pseudonyms: Pseudonyms,
        cursor_key: bytes,
        source: str,
    ) -> None:
        self.app, self.index, self.pseudonyms = app, index, pseudonyms
        self._cursor_key, self.source = cursor_key, source

    # -- the registry (administrators) ------------------------------------------------------

    def partner(self, key: str) -> Partner:
        found = self.app.find(Partner.create_id(key), Partner)
        if found is None:
            raise PartnerNotFound(f"no partner {key!r}")
        return found

    def register(self, key: str, name: str, oin: str, contact_email: str, client_id: str) -> str:
        """Registers a partner; returns its first signing secret (shown once)."""
        if self.app.find(Partner.create_id(key), Partner) is not None:
            raise PartnerExists(f"partner {key!r} is registered already")
        self._client_free(client_id, key)
        secret = new_secret()
        self.app.save(Partner(key, name, oin, contact_email, client_id, secret))
        return secret

    @retry_on_conflict
    def change(self, key: str, name: str, oin: str, contact_email: str, client_id: str) -> None:
        partner = self.partner(key)
        partner.check_active()
        self._client_free(client_id, key)
        partner.change(name, oin, contact_email, client_id)
        self.app.save(partner)

    def _client_free(self, client_id: str, key: str) -> None:
        for other in self.index.partners():
            if other.client_id == client_id and other.key != key and not other.ended:
                raise InvalidPartner(
                    f"client {client_id!r} reads the feed of partner {other.key!r} already",
                    field="client_id",
                )

    @retry_on_conflict
    def rotate_secret(self, key: str, now: dt.datetime) -> str:
        partner = self.partner(key)
        secret = new_secret()
        partner.rotate_secret(secret, now)
        self.app.save(partner)
        return secret

    @retry_on_conflict
    def end(self, key: str, reason: str) -> None:
        partner = self.partner(key)
        partner.check_active()
        partner.end(reason)
        self.app.save(partner)

    @retry_on_conflict
    def subscribe(
        self,
        key: str,
        types: list[str],
        filters: dict[str, list[str]],
        endpoint: str | None,
        now: dt.datetime,
    ) -> UUID:
        partner = self.partner(key)
        subscription_id = uuid4()
        partner.subscribe(subscription_id, types, filters, endpoint, now)
        self.app.save(partner)
        return subscription_id

    @retry_on_conflict
    def change_subscription(
        self,
        key: str,
        subscription_id: UUID,
        types: list[str],
        filters: dict[str, list[str]],
        endpoint: str | None,
    ) -> None:
        partner = self.partner(key)
        partner.change_subscription(subscription_id, types, filters, endpoint)
        self.app.save(partner)

    @retry_on_conflict
    def end_subscription(self, key: str, subscription_id: UUID, reason: str) -> None:
        partner = self.partner(key)
        partner.end_subscription(subscription_id, reason)
        self.app.save(partner)

    # -- who sees what --------------------------------------------------------------------

    def history(self, history_id: UUID) -> SharedHistory:
        return self.app.repository.get(history_id)

    def visible(self, partner: Partner, history: SharedHistory, entry: Entry) -> list[Subscription]:
        """The partner's subscriptions that get this entry now (none: it does not go)."""
        if not history.consent_covers(partner.key, entry):
            return []
        if self.app.restricted(history.participant_id):
            return []
        return partner.wants(entry.event_type, history.attributes)

    def entries(self, history: SharedHistory, after: int) -> Iterator[Entry]:
        """The history's entries after version `after`, in order."""
        for e in self.app.events.get(history.id, gt=after):
            if isinstance(e, SharedHistory.Shared):
                yield Entry.of(history.participant_id, e)

    def cloud_event(self, partner: Partner, history: SharedHistory, entry: Entry) -> dict[str, Any]:
        """The entry as this partner receives it: CloudEvents 1.0 (NL GOV profile), the
        subject the partner's pseudonym of the participant, ids in the data likewise."""
        key = partner.key
        consent = history.consents.get(key)
        event: dict[str, Any] = {
            "specversion": "1.0",
            "id": self.pseudonyms.of(key, "event", f"{entry.participant_id}:{entry.version}"),
            "source": self.source,
            "type": entry.event_type,
            "subject": self.pseudonyms.subject(key, entry.participant_id),
            "time": entry.time.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
            "datacontenttype": "application/json",
            "programme": history.attributes.get("programme"),
            "municipality": history.attributes.get("municipality"),
            "data": self.pseudonyms.data_for(key, entry.event_type, entry.data),
        }
        if consent is not None and consent.client_reference:
            event["clientreference"] = consent.client_reference
        return {k: v for k, v in event.items() if v is not None}

    # -- the pull feed -------------------------------------------------------------------------

    def cursor(self, partner: str, position: int) -> str:
        return f"{position}.{self._mac(partner, position)}"

    def position_of(self, partner: str, cursor: str) -> int:
        """The store position a cursor of this partner stands for; `NotYourFeed` for a cursor
        that is not this partner's (or not a cursor)."""
        position, _, mac = cursor.partition(".")
        if not (position.isascii() and position.isdigit() and len(position) <= 18):
            raise InvalidPartner("not a cursor of this feed", field="after")
        if not hmac.compare_digest(mac.encode(), self._mac(partner, int(position)).encode()):
            raise NotYourFeed("this cursor is not one of your feed's")
        return int(position)

    def _mac(self, partner: str, position: int) -> str:
        digest = hmac.new(self._cursor_key, f"{partner}:{position}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(digest.digest()[:12]).decode()

    def feed(
        self,
        partner: Partner,
        after: int,
        since: dt.datetime | None = None,
        limit: int = FEED_PAGE,
    ) -> FeedPage:
        """What the partner may see after store position `after` (and at or after `since`), in
        the store's order: at most `limit` events, and the cursor to go on from."""
        found: list[dict[str, Any]] = []
        position = after
        mapper = self.app.mapper
        while len(found) < limit:
            batch = self.app.recorder.select_notifications(
                start=position + 1, limit=500, topics=[SHARED_TOPIC]
            )
            if not batch:
                break
            for notification in batch:
                e: Any = mapper.to_domain_event(notification)
                if since is not None and e.occurred_at < since:
                    position = notification.id
                    continue
                history = self.history(e.originator_id)
                entry = Entry.of(history.participant_id, e)
                if self.visible(partner, history, entry):
                    found.append(self.cloud_event(partner, history, entry))
                position = notification.id
                if len(found) == limit:
                    break
        return FeedPage(found, self.cursor(partner.key, position))

    # -- webhook deliveries -----------------------------------------------------------------

    def deliveries(
        self, partner: Partner, subscription: Subscription, history: SharedHistory
    ) -> Deliveries:
        """What the subscription's webhook delivered of the participant's history so far."""
        found = self.app.find(
            Deliveries.create_id(subscription.subscription_id, history.participant_id),
            Deliveries,
        )
        return found or Deliveries(
            partner.key, subscription.subscription_id, history.participant_id
        )

    @retry_on_conflict
    def failing_since(self, key: str, now: dt.datetime) -> None:
        partner = self.partner(key)
        if partner.alert is None:
            partner.failing_since(now)
            self.app.save(partner)

    @retry_on_conflict
    def recovered(self, key: str, now: dt.datetime) -> None:
        partner = self.partner(key)
        if partner.alert is not None:
            partner.recovered(now)
            self.app.save(partner)

    @retry_on_conflict
    def contact_told(self, key: str, now: dt.datetime) -> None:
        partner = self.partner(key)
        if partner.alert is not None and partner.alert.told_at is None:
            partner.contact_told(now)
            self.app.save(partner)

    # -- the delivery log, resends, operations ------------------------------------------------

    def delivery_log(self, partner: Partner, after: int, limit: int) -> list[dict[str, Any]]:
        """The partner's delivery attempts after store position `after`, oldest first."""
        found: list[dict[str, Any]] = []
        position = after
        while len(found) < limit:
            batch = self.app.recorder.select_notifications(
                start=position + 1, limit=500, topics=[ATTEMPTED_TOPIC]
            )
            if not batch:
                break
            for notification in batch:
                position = notification.id
                e: Any = self.app.mapper.to_domain_event(notification)
                deliveries = self.app.repository.get(e.originator_id)
                if deliveries.partner != partner.key:
                    continue
                found.append(self._logged(partner, deliveries, e, notification.id))
                if len(found) == limit:
                    break
        return found

    def _logged(
        self, partner: Partner, deliveries: Deliveries, e: Any, position: int
    ) -> dict[str, Any]:
        participant_id = deliveries.participant_id
        return {
            "position": position,
            "subscription_id": deliveries.subscription_id,
            "event_id": self.pseudonyms.of(partner.key, "event", f"{participant_id}:{e.version}"),
            "subject": self.pseudonyms.subject(partner.key, participant_id),
            "outcome": e.outcome,
            "status": e.status,
            "reason": e.reason,
            "at": e.at,
            "retry_at": e.retry_at,
        }

    def attempt_at(self, partner: Partner, position: int) -> tuple[Deliveries, int]:
        """The deliveries and history version of a logged attempt of this partner."""
        found = self.app.recorder.select_notifications(
            start=position, limit=1, stop=position, topics=[ATTEMPTED_TOPIC]
        )
        if not found:
            raise DeliveryNotFound(f"no delivery attempt at {position}")
        e: Any = self.app.mapper.to_domain_event(found[0])
        deliveries = self.app.repository.get(e.originator_id)
        if deliveries.partner != partner.key:
            raise DeliveryNotFound(f"no delivery attempt at {position}")
        return deliveries, e.version

    def parked(self, partner: Partner) -> list[tuple[Deliveries, int]]:
        """Every parked delivery of the partner: (deliveries, history version)."""
        found: list[tuple[Deliveries, int]] = []
        for history_id in self.index.consenting(partner.key):
            history = self.history(history_id)
            for subscription in partner.active_subscriptions():
                deliveries = self.app.find(
                    Deliveries.create_id(subscription.subscription_id, history.participant_id),
                    Deliveries,
                )
                if deliveries is not None:
                    found.extend((deliveries, version) for version in deliveries.parked)
        return found

    def resendable(self, partner: Partner, deliveries: Deliveries, version: int) -> Resend:
        """What a resend of this delivery posts, if the partner may still see it."""
        subscription = partner.subscriptions.get(deliveries.subscription_id)
        if subscription is None or subscription.ended or subscription.endpoint is None:
            raise NotResendable("the subscription has ended or has no endpoint")
        history = self.history(SharedHistory.create_id(deliveries.participant_id))
        entry = next((e for e in self.entries(history, version - 1) if e.version == version), None)
        if entry is None or not any(
            s.subscription_id == subscription.subscription_id
            for s in self.visible(partner, history, entry)
        ):
            raise NotResendable(
                "the participant's consent (or its erasure or restriction) no longer lets "
                "this event go to the partner"
            )
        return Resend(partner, subscription, history, entry)

    @retry_on_conflict
    def record_resend(
        self,
        deliveries_id: UUID,
        version: int,
        status: int | None,
        reason: str | None,
        now: dt.datetime,
    ) -> None:
        deliveries: Deliveries = self.app.repository.get(deliveries_id)
        deliveries.resent(version, status, reason, now)
        self.app.save(deliveries)

    def operations(self, partner: Partner, now: dt.datetime) -> dict[str, Any]:
        """Per partner: what waits, the oldest undelivered event, parked and failing counts."""
        waiting = failing = parked = 0
        oldest: dt.datetime | None = None
        for history_id in self.index.consenting(partner.key):
            history = self.history(history_id)
            for subscription in partner.active_subscriptions():
                if subscription.endpoint is None:
                    continue
                deliveries = self.deliveries(partner, subscription, history)
                parked += len(deliveries.parked)
                failing += deliveries.failing is not None
                start = deliveries.delivered_up_to
                for entry in self.entries(history, start):
                    if subscription in self.visible(partner, history, entry):
                        waiting += 1
                        oldest = entry.time if oldest is None else min(oldest, entry.time)
        return {
            "partner": partner.key,
            "undelivered": waiting,
            "oldest_undelivered": oldest,
            "lag_seconds": (now - oldest).total_seconds() if oldest else 0.0,
            "failing": failing,
            "parked": parked,
            "failing_since": partner.alert.since if partner.alert else None,
            "consenting_participants": len(self.index.consenting(partner.key)),
        }
