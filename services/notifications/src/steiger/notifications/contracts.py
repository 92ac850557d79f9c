"""Notifications' domain events mapped to public contracts: what was sent or failed, never
to whom or with what words."""

from __future__ import annotations

from typing import Any

from steiger.notifications.domain.notifications import ParticipantNotifications
from steiger.shared.contracts import IntegrationEvent
from steiger.shared.contracts.notifications import NotificationFailed, NotificationSent


def to_contract(event: Any) -> IntegrationEvent | None:
    if isinstance(event, ParticipantNotifications.Sent):
        return NotificationSent(
            participant_id=event.participant_id,
            notification_id=event.notification_id,
            kind=event.kind,
            about=event.about,
            channel=event.channel,
            sent_at=event.at,
        )
    if isinstance(event, ParticipantNotifications.Failed):
        return NotificationFailed(
            participant_id=event.participant_id,
            notification_id=event.notification_id,
            kind=event.kind,
            about=event.about,
            reason=event.reason,
            failed_at=event.at,
        )
    return None
