"""`/outbox`: a service's published events read straight from its store, page by page, as the
relay would publish them (signed): what other services rebuild from when Kafka's retention no
longer holds everything."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from steiger.shared.access import OUTBOX_READERS, admits
from steiger.shared.eventstore import ServiceApplication
from steiger.shared.relay import read_outbox

MAX_NOTIFICATION_ID = 2**63 - 1
"""Notification ids are 64-bit signed integers in SQLite and PostgreSQL alike."""


class OutboxRecord(BaseModel):
    key: str = Field(description="the Kafka key: the participant (or aggregate) id")
    headers: dict[str, str] = Field(description="CloudEvents `ce_*` attributes and the signature")
    value: str = Field(description="the event's data as JSON text, as signed")


class OutboxPage(BaseModel):
    records: list[OutboxRecord]
    last: int | None = Field(description="the notification id to ask `after` next; null: none")


def outbox_router(application: ServiceApplication, source: str, signing_key: bytes) -> APIRouter:
    # other services' replays read it with their own tokens; operators look into it
    router = APIRouter(tags=["operations"], dependencies=[admits(*OUTBOX_READERS)])

    @router.get("/outbox", summary="Published events from the store, after a notification id")
    def outbox(
        after: int = Query(0, ge=0, lt=MAX_NOTIFICATION_ID),
        limit: int = Query(5000, ge=1, le=20000),
    ) -> OutboxPage:
        batch = read_outbox(application, source, signing_key, after, limit)
        if batch is None:
            return OutboxPage(records=[], last=None)
        records: list[dict[str, Any]] = [
            {"key": r.key.decode(), "headers": r.headers, "value": r.value.decode()}
            for r in batch.records
        ]
        return OutboxPage.model_validate({"records": records, "last": batch.last_notification_id})

    return router
