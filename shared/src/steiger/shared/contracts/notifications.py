from __future__ import annotations

from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from steiger.shared.contracts.base import IntegrationEvent, Timestamp

Kind = Literal[
    "action-reminder", "meeting-reminder", "meeting-summary", "goal-achieved", "reward-earned"
]


class NotificationSent(IntegrationEvent):
    """A message reached the participant's channel (no address, no text: those stay out)."""

    event_type: ClassVar[str] = "nl.steiger.notifications.notification-sent.v1"

    notification_id: UUID
    kind: Kind
    about: UUID = Field(description="the action, meeting, goal or reward it was about")
    channel: Literal["email", "sms", "webhook"]
    sent_at: Timestamp


class NotificationFailed(IntegrationEvent):
    """A message could not be delivered after its retries, or could never be."""

    event_type: ClassVar[str] = "nl.steiger.notifications.notification-failed.v1"

    notification_id: UUID
    kind: Kind
    about: UUID
    reason: str = Field(description="a category such as 'smtp 550'; never an address")
    failed_at: Timestamp
