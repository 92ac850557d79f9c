from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Response, status

from steiger.notifications.application import NotificationsApplication
from steiger.notifications.domain.errors import (
    DeliveryNotFound,
    FeedNotFound,
    InvalidPartner,
    NotResendable,
    NotYourFeed,
    ParticipantGone,
    PartnerEnded,
    PartnerExists,
    PartnerNotFound,
    SubscriptionNotFound,
)
from steiger.notifications.partners_api import router as partners_router
from steiger.notifications.responses import Feed, NotificationsHeld, Overview, Queue
from steiger.shared.access import CASE_READERS, CASEWORK, Role, admits, public, subject_access_route
from steiger.shared.concurrency import on_event_loop
from steiger.shared.http import current_application
from steiger.shared.openapi import TEXT
from steiger.shared.participants import KnownParticipant

Notifications = Annotated[NotificationsApplication, Depends(current_application)]
router = APIRouter(tags=["notifications"])
router.include_router(partners_router)

DOMAIN_ERRORS: dict[type[Exception], int] = {
    ParticipantGone: 410,
    FeedNotFound: 404,
    InvalidPartner: 422,
    PartnerNotFound: 404,
    SubscriptionNotFound: 404,
    DeliveryNotFound: 404,
    PartnerExists: 409,
    NotResendable: 409,
    PartnerEnded: 410,
    NotYourFeed: 403,
}


@router.get(
    "/participants/{participant_id}/notifications",
    summary="Operator view: pending, sent, failed, skipped and cancelled notifications",
    response_model=Overview,
    dependencies=[admits(*CASEWORK, Role.OPERATOR, Role.SERVICE)],
)
@on_event_loop
def notifications_of(participant_id: UUID, notifications: Notifications) -> dict[str, Any]:
    return notifications.overview(participant_id)


@router.get(
    "/notifications/queue",
    summary="How many notifications wait, and how many are due",
    dependencies=[admits(Role.OPERATOR)],
)
def queue(notifications: Notifications) -> Queue:
    return Queue(**notifications.pending_count(dt.datetime.now(dt.UTC)))


@router.post(
    "/participants/{participant_id}/calendar-feed",
    status_code=status.HTTP_201_CREATED,
    tags=["calendar"],
    summary="A new private calendar address for the participant; the previous one stops",
    dependencies=[admits(*CASE_READERS)],
)
@on_event_loop
def renew_feed(participant_id: KnownParticipant, notifications: Notifications) -> Feed:
    token = notifications.renew_feed(participant_id)
    return Feed(url=f"{notifications.public_url}/calendar/{token}.ics", token=token)


@router.get(
    "/calendar/{token}.ics",
    tags=["calendar"],
    response_class=Response,
    responses={200: {"content": {"text/calendar": TEXT}}},
    dependencies=[public("the feed's secret is its address (a calendar app cannot sign in)")],
)
@on_event_loop
def calendar(token: str, notifications: Notifications) -> Response:
    body = notifications.calendar(token, dt.datetime.now(dt.UTC))
    return Response(body, media_type="text/calendar; charset=utf-8")


@router.get(
    "/participants/{participant_id}/subject-access", **subject_access_route(NotificationsHeld)
)
@on_event_loop
def subject_access(
    participant_id: KnownParticipant, notifications: Notifications
) -> dict[str, Any]:
    return notifications.subject_access(participant_id)
