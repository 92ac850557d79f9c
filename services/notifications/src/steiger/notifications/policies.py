"""Notifications' reactions: planned actions get reminders; completed ones lose them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventsourcing.application import ProcessingEvent

from steiger.shared.contracts.planning import (
    ActionCancelled,
    ActionCompleted,
    ActionMissed,
    ActionPlanned,
    ActionRescheduled,
)

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


def on_action_rescheduled(
    app: NotificationsApplication, event: ActionRescheduled, processing: ProcessingEvent
) -> None:
    """The reminders move with the action: the old ones are cancelled, new ones scheduled."""
    reminders = app.reminders_for(event.participant_id)
    reminders.cancel_for_action(event.action_id, reason="action rescheduled")
    reminders.schedule_for_action(
        event.action_id,
        event.due_on,
        app.policy_for_reminders.times_for(event.due_on, event.rescheduled_at),
    )
    processing.collect_events(reminders)


def _cancel_reminders(reason: str):  # noqa: ANN202
    def react(app: NotificationsApplication, event, processing: ProcessingEvent) -> None:  # noqa: ANN001
        reminders = app.reminders_for(event.participant_id)
        reminders.cancel_for_action(event.action_id, reason=reason)
        processing.collect_events(reminders)

    return react


REACTIONS = {
    ActionPlanned: on_action_planned,
    ActionRescheduled: on_action_rescheduled,
    ActionCompleted: _cancel_reminders("action completed"),
    ActionCancelled: _cancel_reminders("action cancelled"),
    ActionMissed: _cancel_reminders("action missed"),
}
