"""Notifications' domain events mapped to public contracts: what was sent or failed, never
to whom or with what words."""

from __future__ import annotations

from steiger.notifications.domain.notifications import ParticipantNotifications
from steiger.shared.contracts.notifications import NotificationFailed, NotificationSent
from steiger.shared.contracts.translation import To, Translator

to_contract = Translator(
    {
        ParticipantNotifications.Sent: To(NotificationSent, sent_at="at"),
        ParticipantNotifications.Failed: To(NotificationFailed, failed_at="at"),
    }
)
