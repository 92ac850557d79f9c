"""Notifications' reactions to participant, bridge, planning and rewards events: what to
schedule, move or cancel, what the calendar feed shows, and what chain partners could see
(every shareable event into the participant's `SharedHistory`, with their consents)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import ProcessingEvent

from steiger.notifications.domain.notifications import ParticipantNotifications
from steiger.notifications.domain.sharing import SharedHistory
from steiger.notifications.domain.timing import ContactWindow, ReminderPolicy
from steiger.shared.caseloads import CASE_REACTIONS
from steiger.shared.contracts.participant import (
    ConsentGranted,
    ConsentWithdrawn,
    ContactPreferencesChanged,
    ParticipantErased,
    ParticipantRegistered,
    ParticipantStatusChanged,
)
from steiger.shared.contracts.partners import SHAREABLE, minimised
from steiger.shared.contracts.planning import (
    ActionCancelled,
    ActionCompleted,
    ActionMissed,
    ActionPlanned,
    ActionRescheduled,
    GoalAchieved,
    MeetingHeld,
    MeetingScheduled,
)
from steiger.shared.contracts.rewards import RewardEarned
from steiger.shared.erasure import forget_erased
from steiger.shared.eventstore import Reactions, in_turn
from steiger.shared.occurrence import occurred_at
from steiger.shared.restriction import RESTRICTION_REACTIONS


class Notifications(Protocol):
    """What the policies need of the application (they do not import it: no circle)."""

    reminder_policy: ReminderPolicy

    def notifications_of(self, participant_id: UUID) -> ParticipantNotifications: ...

    def history_of(self, participant_id: UUID) -> SharedHistory: ...


Owner = ParticipantNotifications
Change = Callable[[Notifications, Any, Owner], None]
CELEBRATION_USEFUL = dt.timedelta(days=3)
SUMMARY_USEFUL = dt.timedelta(days=3)


def _on_participant(change: Change):  # noqa: ANN202
    """Every reaction has this shape: the participant's notifications, changed, collected."""

    def react(app: Notifications, event: Any, processing: ProcessingEvent) -> None:
        owner = app.notifications_of(event.participant_id)
        change(app, event, owner)
        processing.collect_events(owner)

    return react


def _end_of(day: dt.date, window: ContactWindow) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=window.zone)


def action_planned(app: Notifications, e: ActionPlanned, owner: Owner) -> None:
    participants = e.owner == "participant"
    owner.action_on_agenda(e.action_id, e.goal_id, e.due_on, participants)
    if participants:  # the mentor's and partners' steps are not the participant's to be reminded of
        _remind_of_action(app, owner, e.action_id, e.goal_id, e.due_on, e.planned_at)


def _remind_of_action(
    app: Notifications,
    owner: Owner,
    action_id: UUID,
    goal_id: UUID,
    due_on: dt.date,
    from_moment: dt.datetime,
) -> None:
    moments = app.reminder_policy.for_action(due_on, from_moment, owner.window)
    details = {"goal_id": goal_id, "due_on": due_on}
    owner.schedule("action-reminder", action_id, moments, _end_of(due_on, owner.window), details)


def _remind_of_meeting(
    app: Notifications, owner: Owner, meeting_id: UUID, at: dt.datetime, from_moment: dt.datetime
) -> None:
    moments = app.reminder_policy.for_meeting(at, from_moment, owner.window)
    owner.schedule("meeting-reminder", meeting_id, moments, at, {"at": at})


def action_rescheduled(app: Notifications, e: ActionRescheduled, owner: Owner) -> None:
    """The reminders move with the action: the old ones are cancelled, new ones scheduled."""
    had_reminders = any(n.about == e.action_id for n in owner.notifications.values())
    participants = owner.open_actions.get(e.action_id, {}).get("participants")
    owner.cancel_about(e.action_id, "action rescheduled")
    owner.action_on_agenda(e.action_id, e.goal_id, e.due_on, participants)
    if had_reminders:
        moments = app.reminder_policy.for_action(e.due_on, e.rescheduled_at, owner.window)
        details = {"goal_id": e.goal_id, "due_on": e.due_on}
        useful_until = _end_of(e.due_on, owner.window)
        owner.schedule("action-reminder", e.action_id, moments, useful_until, details)


def _action_closed(reason: str) -> Change:
    def change(app: Notifications, e: Any, owner: ParticipantNotifications) -> None:
        owner.cancel_about(e.action_id, reason)
        owner.action_off_agenda(e.action_id)

    return change


def meeting_scheduled(app: Notifications, e: MeetingScheduled, owner: Owner) -> None:
    owner.meeting_on_agenda(e.meeting_id, e.at)
    # without the moment of scheduling (older producers), every moment before the meeting is
    # scheduled; the dispatcher sends only the latest one that is due
    scheduled_at = e.scheduled_at or dt.datetime.min.replace(tzinfo=dt.UTC)
    _remind_of_meeting(app, owner, e.meeting_id, e.at, scheduled_at)


def meeting_held(app: Notifications, e: MeetingHeld, owner: Owner) -> None:
    owner.cancel_about(e.meeting_id, "meeting held", kinds=("meeting-reminder",))
    owner.meeting_off_agenda(e.meeting_id)
    moment = app.reminder_policy.for_summary(e.held_on, owner.window)
    details = {"held_on": e.held_on}
    owner.schedule("meeting-summary", e.meeting_id, [moment], moment + SUMMARY_USEFUL, details)


def goal_achieved(app: Notifications, e: GoalAchieved, owner: Owner) -> None:
    # from the start of the day: in practice that has passed, and the dispatcher sends it now
    happened = dt.datetime.combine(e.achieved_on, dt.time(0), tzinfo=owner.window.zone)
    moment = app.reminder_policy.for_celebration(happened, owner.window)
    owner.schedule("goal-achieved", e.goal_id, [moment], moment + CELEBRATION_USEFUL, {})


def reward_earned(app: Notifications, e: RewardEarned, owner: Owner) -> None:
    moment = app.reminder_policy.for_celebration(e.earned_at, owner.window)
    details = {"amount": str(e.amount), "currency": e.currency}
    owner.schedule("reward-earned", e.reward_id, [moment], moment + CELEBRATION_USEFUL, details)


def registered(app: Notifications, e: ParticipantRegistered, owner: Owner) -> None:
    owner.set_language(e.language)


def preferences(app: Notifications, e: ContactPreferencesChanged, owner: Owner) -> None:
    window = ContactWindow(e.time_of_day, e.quiet_from, e.quiet_until, owner.window.timezone)
    owner.change_preferences(list(e.channels), list(e.opted_out), window)


def status_changed(app: Notifications, e: ParticipantStatusChanged, owner: Owner) -> None:
    """A pause (or an exit) cancels every reminder; returning without penalty: on resuming,
    the open actions and coming meetings are reminded of again, from that moment on."""
    resumed = e.status == "active" and not owner.active and not owner.erased
    owner.change_status(e.status == "active", f"participant {e.status}")
    if resumed:
        back = occurred_at(e)
        for action_id, due_on in owner.reminded_actions().items():
            goal_id = owner.open_actions[action_id]["goal_id"]
            _remind_of_action(app, owner, action_id, goal_id, due_on, back)
        for meeting_id, at in owner.open_meetings.items():
            _remind_of_meeting(app, owner, meeting_id, at, back)


def erased(app: Notifications, e: ParticipantErased, owner: Owner) -> None:
    owner.erase()


CHANGES: dict[type, Change] = {
    ParticipantRegistered: registered,
    ContactPreferencesChanged: preferences,
    ParticipantStatusChanged: status_changed,
    ActionPlanned: action_planned,
    ActionRescheduled: action_rescheduled,
    ActionCompleted: _action_closed("action completed"),
    ActionCancelled: _action_closed("action cancelled"),
    ActionMissed: _action_closed("action missed"),
    MeetingScheduled: meeting_scheduled,
    MeetingHeld: meeting_held,
    GoalAchieved: goal_achieved,
    RewardEarned: reward_earned,
}
# -- what partners could see ----------------------------------------------------------------

Sharing = Callable[[Any, SharedHistory], None]


def _on_history(change: Sharing):  # noqa: ANN202
    def react(app: Notifications, event: Any, processing: ProcessingEvent) -> None:
        history = app.history_of(event.participant_id)
        change(event, history)
        processing.collect_events(history)

    return react


def share(event: Any, history: SharedHistory) -> None:
    data = minimised(event)
    if data is not None:
        history.share(event.event_type, data, occurred_at(event))


def registered_attributes(event: ParticipantRegistered, history: SharedHistory) -> None:
    history.registered(event.programme, event.municipality)
    share(event, history)


def consent_granted(event: ConsentGranted, history: SharedHistory) -> None:
    if event.purpose == "partner-sharing" and event.partner:
        history.consent(
            event.partner,
            event.categories,
            event.client_reference,
            event.share_history,
            occurred_at(event),
        )


def consent_withdrawn(event: ConsentWithdrawn, history: SharedHistory) -> None:
    if event.purpose == "partner-sharing" and event.partner:
        history.withdraw(event.partner)


SHARING: dict[type, Sharing] = {
    **{shareable.contract: share for shareable in SHAREABLE.values()},
    ParticipantRegistered: registered_attributes,
    ConsentGranted: consent_granted,
    ConsentWithdrawn: consent_withdrawn,
    ParticipantErased: lambda event, history: history.erase(),
}


def _reactions() -> Reactions:
    reactions: dict[type, Any] = {
        **CASE_REACTIONS,
        **RESTRICTION_REACTIONS,
        **{event_class: _on_participant(change) for event_class, change in CHANGES.items()},
        ParticipantErased: in_turn(forget_erased, _on_participant(erased)),
    }
    for event_class, sharing in SHARING.items():
        found = reactions.get(event_class)
        reactions[event_class] = (
            in_turn(found, _on_history(sharing)) if found else _on_history(sharing)
        )
    return reactions


REACTIONS = _reactions()
