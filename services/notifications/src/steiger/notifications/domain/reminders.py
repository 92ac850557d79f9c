"""A participant's reminders: durable scheduled state, one entry per action and moment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


@dataclass
class Reminder:
    reminder_id: UUID
    action_id: UUID
    due_on: dt.date
    send_at: dt.datetime
    status: str = "pending"


class ParticipantReminders(Aggregate):
    @staticmethod
    def create_id(participant_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"urn:steiger:reminders:{participant_id}")

    @event("Opened")
    def __init__(self, participant_id: UUID) -> None:
        self.participant_id = participant_id
        self.reminders: dict[UUID, Reminder] = {}

    def schedule_for_action(
        self, action_id: UUID, due_on: dt.date, times: list[dt.datetime]
    ) -> None:
        for send_at in times:
            earlier = [r for r in self.reminders.values() if r.action_id == action_id]
            if any(r.send_at == send_at and r.status == "pending" for r in earlier):
                continue
            # a moment may come back after a reschedule there and back again: a new reminder
            reminder_id = uuid5(action_id, f"{send_at.isoformat()}#{len(earlier)}")
            self._scheduled(reminder_id, action_id, due_on, send_at)

    @event("ReminderScheduled")
    def _scheduled(
        self, reminder_id: UUID, action_id: UUID, due_on: dt.date, send_at: dt.datetime
    ) -> None:
        self.reminders[reminder_id] = Reminder(reminder_id, action_id, due_on, send_at)

    def cancel_for_action(self, action_id: UUID, reason: str) -> None:
        for reminder in list(self.reminders.values()):
            if reminder.action_id == action_id and reminder.status == "pending":
                self._cancelled(reminder.reminder_id, reason)

    @event("ReminderCancelled")
    def _cancelled(self, reminder_id: UUID, reason: str) -> None:
        self.reminders[reminder_id].status = "cancelled"
