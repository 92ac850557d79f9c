"""What the notifications API answers: a model per response, so its OpenAPI document says it
and a generated client needs no hand edits."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from pydantic import BaseModel, Field


class HistoryEntry(BaseModel):
    what: str = Field(examples=["retimed", "attempt failed", "sent"])
    at: dt.datetime | None = None
    send_at: dt.datetime | None = Field(None, description="with retimed: the new time")
    channel: str | None = None
    reason: str | None = None


class NotificationOut(BaseModel):
    notification_id: UUID
    kind: str = Field(examples=["action-due", "reward-earned"])
    about: UUID = Field(description="the action, meeting, goal or reward it is about")
    send_at: dt.datetime
    useful_until: dt.datetime
    attempts: int
    channel: str | None
    reason: str | None
    history: list[HistoryEntry]


class Overview(BaseModel):
    participant_id: UUID
    language: str
    channels: list[str] = Field(description="the channels it may use, in preference order")
    active: bool
    pending: list[NotificationOut]
    sent: list[NotificationOut]
    failed: list[NotificationOut]
    skipped: list[NotificationOut]
    cancelled: list[NotificationOut]


class Queue(BaseModel):
    pending: int
    due: int


class Feed(BaseModel):
    url: str
    token: str


class ContactWindowOut(BaseModel):
    time_of_day: str
    quiet_from: dt.time | None
    quiet_until: dt.time | None


class NotificationsHeld(BaseModel):
    """GDPR art. 15: what the notifications service holds about the participant (no message
    text: a message is made from the plan when it is sent)."""

    notifications: Overview
    contact_window: ContactWindowOut
    opted_out: list[str]
