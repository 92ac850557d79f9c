"""A chain partner as Steiger knows it: who they are, where their webhooks go, the secrets that
sign them, the client that reads their feed, and what they subscribed to.

The administrator registers a partner and its subscriptions; what a partner actually receives
is also limited by each participant's consent (`steiger.notifications.domain.sharing`).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from steiger.notifications.domain.errors import (
    InvalidSubscription,
    PartnerEnded,
    SubscriptionNotFound,
)
from steiger.shared.contracts.participant import PARTNER_CATEGORIES
from steiger.shared.contracts.partners import SHAREABLE

FILTERED_ATTRIBUTES = ("programme", "municipality")
"""What a subscription may filter on: attributes every event a partner receives carries."""
WILDCARDS = tuple(f"nl.steiger.{category}.*" for category in PARTNER_CATEGORIES)
"""A subscription to every shareable event of a category."""
SECRET_OVERLAP = dt.timedelta(days=7)
"""How long a rotated-out secret still signs, beside the new one, so the partner can switch."""


@dataclass(frozen=True)
class Subscription:
    subscription_id: UUID
    types: tuple[str, ...]
    """CloudEvents types, or a category's wildcard: `nl.steiger.planning.*`."""
    filters: dict[str, tuple[str, ...]]
    """attribute -> accepted values (any of them); an attribute not named is not filtered."""
    endpoint: str | None
    """Where the webhooks go; None: the partner reads its feed instead."""
    created_at: dt.datetime
    ended: str | None = None
    """Why it ended (by the administrator, the partner, or the receiver's 410 Gone)."""

    def covers(self, event_type: str, attributes: dict[str, str | None]) -> bool:
        if self.ended is not None:
            return False
        if not any(fnmatch.fnmatchcase(event_type, pattern) for pattern in self.types):
            return False
        return all(attributes.get(name) in accepted for name, accepted in self.filters.items())


@dataclass(frozen=True)
class SigningSecret:
    secret: str
    """Standard Webhooks: `whsec_` + base64 of 32 random bytes."""
    valid_until: dt.datetime | None = None


@dataclass
class Alert:
    """Deliveries to the partner have been failing since `since`; the contact was told at
    `told_at` (once per stretch of failures)."""

    since: dt.datetime
    told_at: dt.datetime | None = None


class Partner(Aggregate):
    if TYPE_CHECKING:  # made by the @event decorators below (dynamic: typed Any)
        Registered: ClassVar[type[Any]]
        Changed: ClassVar[type[Any]]
        SecretRotated: ClassVar[type[Any]]
        Subscribed: ClassVar[type[Any]]
        SubscriptionChanged: ClassVar[type[Any]]
        SubscriptionEnded: ClassVar[type[Any]]
        FailingSince: ClassVar[type[Any]]
        ContactTold: ClassVar[type[Any]]
        Recovered: ClassVar[type[Any]]
        Ended: ClassVar[type[Any]]

    @staticmethod
    def create_id(key: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"urn:steiger:partner:{key}")

    @event("Registered")
    def __init__(
        self,
        key: str,
        name: str,
        oin: str,
        contact_email: str,
        client_id: str,
        secret: str,
    ) -> None:
        self.key, self.name, self.oin = key, name, oin
        self.contact_email, self.client_id = contact_email, client_id
        self.secrets: tuple[SigningSecret, ...] = (SigningSecret(secret),)
        self.subscriptions: dict[UUID, Subscription] = {}
        self.alert: Alert | None = None
        self.ended = False

    def check_active(self) -> None:
        if self.ended:
            raise PartnerEnded(f"partner {self.key} was ended")

    @event("Changed")
    def change(self, name: str, oin: str, contact_email: str, client_id: str) -> None:
        self.name, self.oin, self.contact_email, self.client_id = (
            name,
            oin,
            contact_email,
            client_id,
        )

    def rotate_secret(self, secret: str, now: dt.datetime) -> None:
        self.check_active()
        self._secret_rotated(secret, now + SECRET_OVERLAP)

    @event("SecretRotated")
    def _secret_rotated(self, secret: str, old_valid_until: dt.datetime) -> None:
        current = self.secrets[0]
        self.secrets = (SigningSecret(secret), replace(current, valid_until=old_valid_until))

    def signing_secrets(self, now: dt.datetime) -> list[str]:
        """The secrets a webhook is signed with now: the newest first, and the previous one
        for a week after a rotation (Standard Webhooks allows several signatures)."""
        return [s.secret for s in self.secrets if s.valid_until is None or s.valid_until > now]

    # -- subscriptions ---------------------------------------------------------------------

    def subscribe(
        self,
        subscription_id: UUID,
        types: list[str],
        filters: dict[str, list[str]],
        endpoint: str | None,
        now: dt.datetime,
    ) -> None:
        self.check_active()
        self._subscribed(subscription_id, *_checked(types, filters), endpoint, now)

    @event("Subscribed")
    def _subscribed(
        self,
        subscription_id: UUID,
        types: list[str],
        filters: dict[str, list[str]],
        endpoint: str | None,
        created_at: dt.datetime,
    ) -> None:
        self.subscriptions[subscription_id] = Subscription(
            subscription_id, tuple(types), _frozen(filters), endpoint, created_at
        )

    def change_subscription(
        self,
        subscription_id: UUID,
        types: list[str],
        filters: dict[str, list[str]],
        endpoint: str | None,
    ) -> None:
        self.check_active()
        self.subscription(subscription_id)
        self._subscription_changed(subscription_id, *_checked(types, filters), endpoint)

    @event("SubscriptionChanged")
    def _subscription_changed(
        self,
        subscription_id: UUID,
        types: list[str],
        filters: dict[str, list[str]],
        endpoint: str | None,
    ) -> None:
        found = self.subscriptions[subscription_id]
        self.subscriptions[subscription_id] = replace(
            found, types=tuple(types), filters=_frozen(filters), endpoint=endpoint
        )

    def subscription(self, subscription_id: UUID) -> Subscription:
        found = self.subscriptions.get(subscription_id)
        if found is None or found.ended is not None:
            raise SubscriptionNotFound(f"partner {self.key} has no subscription {subscription_id}")
        return found

    def end_subscription(self, subscription_id: UUID, reason: str) -> None:
        self.subscription(subscription_id)
        self._subscription_ended(subscription_id, reason)

    @event("SubscriptionEnded")
    def _subscription_ended(self, subscription_id: UUID, reason: str) -> None:
        found = self.subscriptions[subscription_id]
        self.subscriptions[subscription_id] = replace(found, ended=reason)

    def active_subscriptions(self) -> list[Subscription]:
        if self.ended:
            return []
        return [s for s in self.subscriptions.values() if s.ended is None]

    def wants(self, event_type: str, attributes: dict[str, str | None]) -> list[Subscription]:
        """The active subscriptions that cover an event of this type with these attributes."""
        return [s for s in self.active_subscriptions() if s.covers(event_type, attributes)]

    # -- failing deliveries ----------------------------------------------------------------

    @event("FailingSince")
    def failing_since(self, since: dt.datetime) -> None:
        self.alert = Alert(since)

    @event("ContactTold")
    def contact_told(self, at: dt.datetime) -> None:
        assert self.alert is not None
        self.alert.told_at = at

    @event("Recovered")
    def recovered(self, at: dt.datetime) -> None:
        self.alert = None

    @event("Ended")
    def end(self, reason: str) -> None:
        self.ended = True
        self.subscriptions = {
            i: s if s.ended else replace(s, ended=reason) for i, s in self.subscriptions.items()
        }


def _checked(
    types: list[str], filters: dict[str, list[str]]
) -> tuple[list[str], dict[str, list[str]]]:
    """Types that exist (or a known category's wildcard) and filters on known attributes:
    otherwise `InvalidSubscription` naming the field."""
    if not types:
        raise InvalidSubscription("name at least one event type", field="types")
    for i, pattern in enumerate(types):
        if pattern.endswith(".*"):
            if pattern not in WILDCARDS:
                raise InvalidSubscription(
                    f"unknown category wildcard {pattern!r}; known: {', '.join(WILDCARDS)}",
                    field=f"types.{i}",
                )
        elif pattern not in SHAREABLE:
            raise InvalidSubscription(
                f"{pattern!r} is not an event type partners can receive (GET /partner-event-types)",
                field=f"types.{i}",
            )
    for name, values in filters.items():
        if name not in FILTERED_ATTRIBUTES:
            raise InvalidSubscription(
                f"cannot filter on {name!r}; filters: {', '.join(FILTERED_ATTRIBUTES)}",
                field=f"filters.{name}",
            )
        if not values:
            raise InvalidSubscription("name at least one value", field=f"filters.{name}")
    return sorted(set(types)), {name: sorted(set(v)) for name, v in filters.items()}


def _frozen(filters: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    return {name: tuple(values) for name, values in filters.items()}
