"""The chain partners' API: the registry and subscriptions (administrators; a partner manages
its own subscriptions too), the pull feed (the partner's own client only), the delivery log,
resends and per-partner operations (administrators and operators)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request, status
from pydantic import AwareDatetime, BaseModel, EmailStr, Field, field_validator

from steiger.notifications.domain.errors import NotYourFeed
from steiger.notifications.domain.partners import FILTERED_ATTRIBUTES, Partner, Subscription
from steiger.notifications.domain.sharing import Deliveries
from steiger.notifications.partner_delivery import post, webhook_client
from steiger.notifications.partners import PartnerSharing
from steiger.shared.access import CASEWORK, EVERYONE, Role, admits, caller_of
from steiger.shared.concurrency import off_the_loop, on_event_loop
from steiger.shared.contracts.participant import PARTNER_KEY
from steiger.shared.contracts.partners import SHAREABLE
from steiger.shared.http import Strict
from steiger.shared.openapi import problems

router = APIRouter(tags=["chain partners"])
ADMINISTRATION = (Role.ADMINISTRATOR,)
WATCHING = (Role.ADMINISTRATOR, Role.OPERATOR)
LONGEST_WAIT = 30.0
LAST_POSITION = 2**63 - 1
"""The largest position a store holds (a signed 64-bit integer)."""


def _sharing(request: Request) -> PartnerSharing:
    return request.app.state.partner_sharing


Sharing = Annotated[PartnerSharing, Depends(_sharing)]
Key = Annotated[str, Query(pattern=PARTNER_KEY)]


def _own_partner(request: Request, sharing: PartnerSharing, key: str) -> Partner:
    """The partner, if the caller may act for it: an administrator (or operator, where the
    route admits one), or the partner's own client."""
    partner = sharing.partner(key)
    caller = caller_of(request)
    if caller.roles & {Role.ADMINISTRATOR, Role.OPERATOR}:
        return partner
    if caller.client is None or caller.client != partner.client_id:
        raise NotYourFeed(f"partner {key!r} is not yours")
    return partner


# -- the registry ----------------------------------------------------------------------------


class PartnerIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    oin: str = Field(pattern=r"^\d{20}$", description="Organisatie-identificatienummer")
    contact_email: EmailStr = Field(description="told when deliveries fail for an hour")
    client_id: str = Field(
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9._:-]+$",
        description="the OAuth client (client credentials) that reads the partner's feed",
    )


class NewPartner(PartnerIn):
    key: str = Field(pattern=PARTNER_KEY, description="how consents name the partner")


class PartnerOut(BaseModel):
    key: str
    name: str
    oin: str
    contact_email: str
    client_id: str
    ended: bool
    subscriptions: list[SubscriptionOut]
    failing_since: dt.datetime | None


class SubscriptionOut(BaseModel):
    subscription_id: UUID
    types: list[str]
    filters: dict[str, list[str]]
    endpoint: str | None
    created_at: dt.datetime
    ended: str | None


class Secret(BaseModel):
    key: str
    secret: str = Field(description="Standard Webhooks secret (whsec_…): shown this once")
    previous_valid_until: dt.datetime | None = None


def _partner_out(partner: Partner) -> PartnerOut:
    return PartnerOut(
        key=partner.key,
        name=partner.name,
        oin=partner.oin,
        contact_email=partner.contact_email,
        client_id=partner.client_id,
        ended=partner.ended,
        subscriptions=[_subscription_out(s) for s in partner.subscriptions.values()],
        failing_since=partner.alert.since if partner.alert else None,
    )


def _subscription_out(s: Subscription) -> SubscriptionOut:
    return SubscriptionOut(
        subscription_id=s.subscription_id,
        types=list(s.types),
        filters={name: list(values) for name, values in s.filters.items()},
        endpoint=s.endpoint,
        created_at=s.created_at,
        ended=s.ended,
    )


@router.post(
    "/partners",
    status_code=status.HTTP_201_CREATED,
    summary="Register a chain partner; answers its first webhook signing secret, once",
    dependencies=[admits(*ADMINISTRATION)],
    responses=problems(409),
)
@on_event_loop
def register(body: NewPartner, sharing: Sharing) -> Secret:
    secret = sharing.register(body.key, body.name, body.oin, body.contact_email, body.client_id)
    return Secret(key=body.key, secret=secret)


@router.get("/partners", dependencies=[admits(*WATCHING)])
def partners(sharing: Sharing) -> list[PartnerOut]:
    return [_partner_out(p) for p in sharing.index.partners()]


class PartnerListed(BaseModel):
    key: str = Field(description="how a consent names the partner")
    name: str


@router.get(
    "/partner-directory",
    summary="The chain partners a participant may consent to share with: key and name only",
    dependencies=[admits(*WATCHING, *CASEWORK)],
)
def directory(sharing: Sharing) -> list[PartnerListed]:
    return [PartnerListed(key=p.key, name=p.name) for p in sharing.index.partners() if not p.ended]


@router.get(
    "/partners/{key}", dependencies=[admits(*WATCHING, Role.PARTNER)], responses=problems(403)
)
@on_event_loop
def partner(key: str, request: Request, sharing: Sharing) -> PartnerOut:
    return _partner_out(_own_partner(request, sharing, key))


@router.put(
    "/partners/{key}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[admits(*ADMINISTRATION)],
    responses=problems(410),
)
@on_event_loop
def change(key: str, body: PartnerIn, sharing: Sharing) -> None:
    sharing.change(key, body.name, body.oin, body.contact_email, body.client_id)


@router.delete(
    "/partners/{key}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="End a partner: every subscription ends, nothing more goes out",
    dependencies=[admits(*ADMINISTRATION)],
    responses=problems(410),
)
@on_event_loop
def end(key: str, sharing: Sharing) -> None:
    sharing.end(key, "the partner was ended by an administrator")


@router.post(
    "/partners/{key}/secret",
    status_code=status.HTTP_201_CREATED,
    summary="A new signing secret; the previous one still signs for seven days beside it",
    dependencies=[admits(*ADMINISTRATION)],
    responses=problems(410),
)
@on_event_loop
def rotate_secret(key: str, sharing: Sharing) -> Secret:
    now = dt.datetime.now(dt.UTC)
    secret = sharing.rotate_secret(key, now)
    previous = sharing.partner(key).secrets[1].valid_until
    return Secret(key=key, secret=secret, previous_valid_until=previous)


# -- subscriptions -----------------------------------------------------------------------------

EVENT_TYPE = r"^nl\.steiger\.[a-z]+\.([a-z-]+\.v\d+|\*)$"


class SubscriptionIn(Strict):
    types: list[Annotated[str, Field(pattern=EVENT_TYPE)]] = Field(
        min_length=1,
        max_length=50,
        description="CloudEvents types, or a category's wildcard (nl.steiger.planning.*)",
    )
    filters: dict[Literal["programme", "municipality"], list[str]] = Field(
        default_factory=dict,
        description="only events whose attribute is one of these: "
        + ", ".join(FILTERED_ATTRIBUTES),
    )
    endpoint: str | None = Field(
        None,
        max_length=2000,
        description="the webhook receiver: https (http only on this machine); none: the "
        "partner reads its feed instead",
    )

    @field_validator("endpoint")
    @classmethod
    def _https(cls, endpoint: str | None) -> str | None:
        if endpoint is None:
            return None
        parts = urlsplit(endpoint)
        if parts.username or parts.password:
            raise ValueError("no credentials in the address: requests are signed instead")
        if parts.scheme == "https" and parts.hostname:
            return endpoint
        if parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1", "::1"):
            return endpoint
        raise ValueError("an https address (http only for localhost)")

    @field_validator("filters")
    @classmethod
    def _values(cls, filters: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, values in filters.items():
            if not values or len(values) > 100 or not all(0 < len(v) <= 100 for v in values):
                raise ValueError(f"{name}: one to a hundred values, each 1-100 characters")
        return filters


class SubscriptionCreated(BaseModel):
    subscription_id: UUID


@router.post(
    "/partners/{key}/subscriptions",
    status_code=status.HTTP_201_CREATED,
    dependencies=[admits(*ADMINISTRATION, Role.PARTNER)],
    responses=problems(403, 410),
)
@on_event_loop
def subscribe(
    key: str, body: SubscriptionIn, request: Request, sharing: Sharing
) -> SubscriptionCreated:
    _own_partner(request, sharing, key)
    now = dt.datetime.now(dt.UTC)
    subscription_id = sharing.subscribe(key, body.types, dict(body.filters), body.endpoint, now)
    return SubscriptionCreated(subscription_id=subscription_id)


@router.get("/partners/{key}/subscriptions", dependencies=[admits(*WATCHING, Role.PARTNER)])
@on_event_loop
def subscriptions(key: str, request: Request, sharing: Sharing) -> list[SubscriptionOut]:
    partner = _own_partner(request, sharing, key)
    return [_subscription_out(s) for s in partner.subscriptions.values()]


@router.put(
    "/partners/{key}/subscriptions/{subscription_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[admits(*ADMINISTRATION, Role.PARTNER)],
    responses=problems(403, 410),
)
@on_event_loop
def change_subscription(
    key: str, subscription_id: UUID, body: SubscriptionIn, request: Request, sharing: Sharing
) -> None:
    _own_partner(request, sharing, key)
    sharing.change_subscription(key, subscription_id, body.types, dict(body.filters), body.endpoint)


@router.delete(
    "/partners/{key}/subscriptions/{subscription_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[admits(*ADMINISTRATION, Role.PARTNER)],
    responses=problems(403, 410),
)
@on_event_loop
def end_subscription(key: str, subscription_id: UUID, request: Request, sharing: Sharing) -> None:
    caller = caller_of(request)
    _own_partner(request, sharing, key)
    who = "the partner" if Role.PARTNER in caller.roles else "an administrator"
    sharing.end_subscription(key, subscription_id, f"ended by {who}")


class EventType(BaseModel):
    type: str
    category: str
    fields: list[str]
    pseudonymised: list[str]


@router.get(
    "/partner-event-types",
    summary="The event types a partner can subscribe to, and the fields each carries",
    dependencies=[admits(*EVERYONE)],
)
def event_types() -> list[EventType]:
    return [
        EventType(
            type=event_type,
            category=s.category,
            fields=list(s.fields),
            pseudonymised=list(s.ids),
        )
        for event_type, s in SHAREABLE.items()
    ]


# -- the pull feed -------------------------------------------------------------------------------


class Feed(BaseModel):
    events: list[dict[str, Any]] = Field(description="CloudEvents 1.0, NL GOV profile")
    cursor: str = Field(description="pass as `after` for what comes next")


@router.get(
    "/partners/{key}/events",
    summary="The partner's feed: what it may see, in order, from a cursor or a time",
    dependencies=[admits(Role.PARTNER)],
    responses=problems(403),
)
async def events(
    key: str,
    request: Request,
    sharing: Sharing,
    after: Annotated[
        str | None, Query(max_length=64, description="a cursor of an earlier answer")
    ] = None,
    since: Annotated[
        AwareDatetime | None, Query(description="from this moment (without `after`)")
    ] = None,
    wait: Annotated[
        float, Query(ge=0, le=LONGEST_WAIT, description="seconds to wait for an event")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Feed:
    partner = _own_partner(request, sharing, key)
    position = sharing.position_of(key, after) if after else 0
    wait = min(wait, request.app.state.longest_feed_wait)
    deadline = asyncio.get_running_loop().time() + wait
    while True:
        page = await off_the_loop(sharing.feed, partner, position, None if after else since, limit)
        if page.events or asyncio.get_running_loop().time() >= deadline:
            return Feed(events=page.events, cursor=page.cursor)
        position = sharing.position_of(key, page.cursor)
        await asyncio.sleep(0.2)


# -- operations -------------------------------------------------------------------------------


class Attempt(BaseModel):
    position: int = Field(description="its place in the log: resend it by this")
    subscription_id: UUID
    event_id: str
    subject: str = Field(description="the participant's pseudonym, as the partner has it")
    outcome: Literal["delivered", "failed", "parked", "resent"]
    status: int | None
    reason: str | None
    at: dt.datetime
    retry_at: dt.datetime | None


@router.get(
    "/partners/{key}/deliveries",
    summary="The partner's delivery log: every attempt, its answer and time",
    dependencies=[admits(*WATCHING, Role.PARTNER)],
    responses=problems(403),
)
def deliveries(
    key: str,
    request: Request,
    sharing: Sharing,
    after: Annotated[int, Query(ge=0, le=LAST_POSITION - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[Attempt]:
    partner = _own_partner(request, sharing, key)
    return [Attempt(**a) for a in sharing.delivery_log(partner, after, limit)]


class Resent(BaseModel):
    event_id: str
    status: int | None = Field(description="what the receiver answered (none: no answer)")
    reason: str | None


async def _resend(
    sharing: PartnerSharing, partner: Partner, deliveries: Deliveries, version: int
) -> Resent:
    sent = sharing.resendable(partner, deliveries, version)
    event = sharing.cloud_event(partner, sent.history, sent.entry)
    now = dt.datetime.now(dt.UTC)
    assert sent.subscription.endpoint is not None
    async with webhook_client(timeout=10.0, connections=1) as client:
        answer = await post(
            client, sent.subscription.endpoint, event, partner.signing_secrets(now), now
        )
    sharing.record_resend(deliveries.id, version, answer.status, answer.reason, now)
    return Resent(event_id=event["id"], status=answer.status, reason=answer.reason)


@router.post(
    "/partners/{key}/deliveries/{position}/resend",
    summary="Send a parked or past delivery again, now; answers what the receiver said",
    dependencies=[admits(*WATCHING)],
)
async def resend(
    key: str, position: Annotated[int, Path(ge=1, le=LAST_POSITION)], sharing: Sharing
) -> Resent:
    partner = sharing.partner(key)
    deliveries, version = sharing.attempt_at(partner, position)
    return await _resend(sharing, partner, deliveries, version)


@router.post(
    "/partners/{key}/parked/resend",
    summary="Send every parked delivery of the partner again, now",
    dependencies=[admits(*WATCHING)],
)
async def resend_parked(key: str, sharing: Sharing) -> list[Resent]:
    partner = sharing.partner(key)
    return [await _resend(sharing, partner, d, version) for d, version in sharing.parked(partner)]


class Operations(BaseModel):
    partner: str
    undelivered: int
    oldest_undelivered: dt.datetime | None
    lag_seconds: float
    failing: int
    parked: int
    failing_since: dt.datetime | None
    consenting_participants: int


@router.get(
    "/partners/{key}/operations",
    summary="What waits for the partner: lag, the oldest undelivered event, failing, parked",
    dependencies=[admits(*WATCHING)],
)
def operations(key: str, sharing: Sharing) -> Operations:
    return Operations(**sharing.operations(sharing.partner(key), dt.datetime.now(dt.UTC)))
