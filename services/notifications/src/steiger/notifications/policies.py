"""Notifications' reactions: planned actions get reminders; completed ones lose them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventsourcing.application import ProcessingEvent

from steiger.shared.contracts.planning import ActionCompleted, ActionPlanned

if TYPE_CHECKING:
    from steiger.notifications.application import NotificationsApplication


def on_action_planned(
    app: NotificationsApplication, event: ActionPlanned, processing: ProcessingEvent
) -> None:
    reminders = app.reminders_for(event.participant_id)
    reminders.schedule_for_action(
        event.action_id,
        event.due_on,
        app.policy_for_reminders.times_for(event.due_on, event.planned_at),
    )
    processing.collect_events(reminders)


def on_action_completed(
    app: NotificationsApplication, event: ActionCompleted, processing: ProcessingEvent
) -> None:
    reminders = app.reminders_for(event.participant_id)
    reminders.cancel_for_action(event.action_id, reason="action completed")
    processing.collect_events(reminders)


REACTIONS = {ActionPlanned: on_action_planned, ActionCompleted: on_action_completed}
