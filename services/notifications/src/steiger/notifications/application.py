from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from steiger.notifications.domain.reminder_policy import ReminderPolicy
from steiger.notifications.domain.reminders import ParticipantReminders
from steiger.notifications.policies import REACTIONS
from steiger.shared.eventstore import ServiceApplication


class NotificationsApplication(ServiceApplication):
    name = "notifications"
    reactions = REACTIONS

    def __init__(
        self, env: dict[str, str] | None = None, reminder_policy: ReminderPolicy | None = None
    ) -> None:
        super().__init__(env)
        self.policy_for_reminders = reminder_policy or ReminderPolicy()

    def reminders_for(self, participant_id: UUID) -> ParticipantReminders:
        try:
            return self.repository.get(ParticipantReminders.create_id(participant_id))
        except AggregateNotFoundError:
            return ParticipantReminders(participant_id)

    def reminders(self, participant_id: UUID) -> dict[str, Any]:
        reminders = self.reminders_for(participant_id)
        return {
            "participant_id": participant_id,
            "reminders": sorted(
                (vars(r) for r in reminders.reminders.values()), key=lambda r: r["send_at"]
            ),
        }
