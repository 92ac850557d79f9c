"""A participant's notifications: durable scheduled state, and what became of each message.

One aggregate per participant holds their contact window, language, pending and finished
notifications (reminders, summaries, celebrations) and the agenda the calendar feed shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from steiger.notifications.domain.timing import ContactWindow
from steiger.shared.contracts.participant import DEFAULT_CHANNELS


@dataclass(frozen=True)
class Notification:
    """One message and what became of it. Never changed in place: every change puts a new
    record in the aggregate (`_update`), so a copy of the aggregate can share the records
    (`__deepcopy__`): copying them one by one was a large share of every incoming event's
    cost (docs/benchmarks.md, "Measurements behind the code")."""

    notification_id: UUID
    kind: str
    about: UUID
    """The action, meeting, goal or reward the message is about."""
    send_at: dt.datetime
    useful_until: dt.datetime
    details: dict[str, Any]
    """Non-personal facts for the message (due date, meeting time, amount)."""
    status: str = "pending"
    attempts: int = 0
    channel: str | None = None
    reason: str | None = None
    history: tuple[dict[str, Any], ...] = ()

    def __deepcopy__(self, memo: dict[int, Any]) -> Notification:
        return self


class ParticipantNotifications(Aggregate):
    if TYPE_CHECKING:  # made by the @event decorators below (dynamic: typed Any)
        Opened: ClassVar[type[Any]]
        LanguageSet: ClassVar[type[Any]]
        PreferencesChanged: ClassVar[type[Any]]
        StatusChanged: ClassVar[type[Any]]
        Erased: ClassVar[type[Any]]
        Scheduled: ClassVar[type[Any]]
        Retimed: ClassVar[type[Any]]
        Cancelled: ClassVar[type[Any]]
        Sent: ClassVar[type[Any]]
        AttemptFailed: ClassVar[type[Any]]
        Failed: ClassVar[type[Any]]
        Skipped: ClassVar[type[Any]]
        ActionOnAgenda: ClassVar[type[Any]]
        ActionOffAgenda: ClassVar[type[Any]]
        MeetingOnAgenda: ClassVar[type[Any]]
        MeetingOffAgenda: ClassVar[type[Any]]
        FeedRenewed: ClassVar[type[Any]]

    @staticmethod
    def create_id(participant_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"urn:steiger:notifications:{participant_id}")

    @event("Opened")
    def __init__(self, participant_id: UUID, timezone: str = "Europe/Amsterdam") -> None:
        self.participant_id = participant_id
        self.language = "nl"
        self.window = ContactWindow(timezone=timezone)
        self.channels: tuple[str, ...] = DEFAULT_CHANNELS
        self.opted_out: tuple[str, ...] = ()
        self.active = True
        self.registered = False
        self.erased = False
        self.notifications: dict[UUID, Notification] = {}
        self.open_actions: dict[UUID, dict[str, Any]] = {}
        self.open_meetings: dict[UUID, dt.datetime] = {}
        self.feed_generation = 0

    # -- the participant -------------------------------------------------------------------

    @event("LanguageSet")
    def set_language(self, language: str) -> None:
        """From the participant's registration, which it also records."""
        self.language = language
        self.registered = True

    def change_preferences(
        self, channels: list[str], opted_out: list[str], window: ContactWindow
    ) -> None:
        self._preferences_changed(
            channels, opted_out, window.time_of_day, window.quiet_from, window.quiet_until
        )
        for n in self.pending():
            moment = self._moment_like(n)
            if moment != n.send_at:
                self._retimed(n.notification_id, moment, "contact preferences changed")

    def _moment_like(self, n: Notification) -> dt.datetime:
        """The same day as before, at the participant's new moment of the day."""
        if n.kind in ("goal-achieved", "reward-earned"):
            return self.window.next_allowed(n.send_at)
        moment = self.window.preferred_moment(n.send_at.astimezone(self.window.zone).date())
        return min(moment, n.useful_until) if n.kind == "meeting-reminder" else moment

    @event("PreferencesChanged")
    def _preferences_changed(
        self,
        channels: list[str],
        opted_out: list[str],
        time_of_day: str,
        quiet_from: dt.time | None,
        quiet_until: dt.time | None,
    ) -> None:
        self.channels, self.opted_out = tuple(channels), tuple(opted_out)
        self.window = ContactWindow(time_of_day, quiet_from, quiet_until, self.window.timezone)

    def usable_channels(self) -> list[str]:
        return [c for c in self.channels if c not in self.opted_out]

    def change_status(self, active: bool, reason: str) -> None:
        if active != self.active:
            self._status_changed(active)
        if not active:
            self.cancel_all(reason)

    @event("StatusChanged")
    def _status_changed(self, active: bool) -> None:
        self.active = active

    def erase(self) -> None:
        self.cancel_all("participant erased")
        if not self.erased:
            self._erased()

    @event("Erased")
    def _erased(self) -> None:
        self.erased, self.active = True, False
        self.open_actions, self.open_meetings = {}, {}

    # -- scheduling ------------------------------------------------------------------------

    def schedule(
        self,
        kind: str,
        about: UUID,
        moments: list[dt.datetime],
        useful_until: dt.datetime,
        details: dict[str, Any],
    ) -> None:
        """New pending notifications; nothing for a participant who paused, left or was
        erased, and nothing twice for the same moment (redelivered events are harmless)."""
        if not self.active:
            return
        for send_at in moments:
            earlier = [n for n in self.notifications.values() if n.about == about]
            if any(
                n.kind == kind and n.send_at == send_at and n.status == "pending" for n in earlier
            ):
                continue
            # the same moment may come back after a reschedule there and back: a new id
            notification_id = uuid5(about, f"{kind}@{send_at.isoformat()}#{len(earlier)}")
            self._scheduled(notification_id, kind, about, send_at, useful_until, details)

    @event("Scheduled")
    def _scheduled(
        self,
        notification_id: UUID,
        kind: str,
        about: UUID,
        send_at: dt.datetime,
        useful_until: dt.datetime,
        details: dict[str, Any],
    ) -> None:
        self.notifications[notification_id] = Notification(
            notification_id, kind, about, send_at, useful_until, details
        )

    @event("Retimed")
    def _retimed(self, notification_id: UUID, send_at: dt.datetime, reason: str) -> None:
        self._update(
            notification_id,
            {"what": "retimed", "send_at": send_at, "reason": reason},
            send_at=send_at,
        )

    def _update(self, notification_id: UUID, entry: dict[str, Any], **changes: Any) -> None:
        """The notification's new record: `changes` applied, `entry` added to its history."""
        n = self.notifications[notification_id]
        self.notifications[notification_id] = replace(n, history=(*n.history, entry), **changes)

    def cancel_about(self, about: UUID, reason: str, kinds: tuple[str, ...] = ()) -> None:
        for n in self.pending():
            if n.about == about and (not kinds or n.kind in kinds):
                self._cancelled(n.notification_id, reason)

    def cancel_all(self, reason: str) -> None:
        for n in self.pending():
            self._cancelled(n.notification_id, reason)

    @event("Cancelled")
    def _cancelled(self, notification_id: UUID, reason: str) -> None:
        self._finish(notification_id, "cancelled", reason)

    def pending(self) -> list[Notification]:
        return [n for n in self.notifications.values() if n.status == "pending"]

    # -- sending (the dispatcher's outcomes) -----------------------------------------------

    def superseded(self, n: Notification, now: dt.datetime) -> bool:
        """A later reminder about the same thing is also due: only the latest one is sent."""
        return any(
            o.about == n.about and o.kind == n.kind and n.send_at < o.send_at <= now
            for o in self.pending()
        )

    def sent(self, notification_id: UUID, channel: str, at: dt.datetime) -> None:
        n = self.notifications[notification_id]
        self._sent(notification_id, n.kind, n.about, channel, at, self.participant_id)

    @event("Sent")
    def _sent(
        self,
        notification_id: UUID,
        kind: str,
        about: UUID,
        channel: str,
        at: dt.datetime,
        participant_id: UUID,
    ) -> None:
        attempts = self.notifications[notification_id].attempts + 1
        self._finish(notification_id, "sent", None, at, attempts=attempts, channel=channel)

    @event("AttemptFailed")
    def attempt_failed(
        self, notification_id: UUID, channel: str, reason: str, retry_at: dt.datetime
    ) -> None:
        self._update(
            notification_id,
            {"what": "attempt failed", "channel": channel, "reason": reason},
            attempts=self.notifications[notification_id].attempts + 1,
            channel=channel,
            reason=reason,
            send_at=retry_at,
        )

    def failed(self, notification_id: UUID, reason: str, at: dt.datetime) -> None:
        n = self.notifications[notification_id]
        self._failed(notification_id, n.kind, n.about, reason, at, self.participant_id)

    @event("Failed")
    def _failed(
        self,
        notification_id: UUID,
        kind: str,
        about: UUID,
        reason: str,
        at: dt.datetime,
        participant_id: UUID,
    ) -> None:
        attempts = self.notifications[notification_id].attempts + 1
        self._finish(notification_id, "failed", reason, at, attempts=attempts)

    @event("Skipped")
    def skipped(self, notification_id: UUID, reason: str, at: dt.datetime) -> None:
        self._finish(notification_id, "skipped", reason, at)

    def defer(self, notification_id: UUID, until: dt.datetime, reason: str) -> None:
        self._retimed(notification_id, until, reason)

    def _finish(
        self,
        notification_id: UUID,
        status: str,
        reason: str | None,
        at: dt.datetime | None = None,
        **changes: Any,
    ) -> None:
        entry = {"what": status, "reason": reason, "at": at}
        self._update(notification_id, entry, status=status, reason=reason, **changes)

    # -- the agenda (for the calendar feed) ------------------------------------------------

    @event("ActionOnAgenda")
    def action_on_agenda(
        self, action_id: UUID, goal_id: UUID, due_on: dt.date, participants: bool | None = None
    ) -> None:
        """`participants`: the participant's own step, reminded of (None: recorded before
        that was noted; then it is theirs if they were reminded of it)."""
        self.open_actions[action_id] = {
            "goal_id": goal_id,
            "due_on": due_on,
            "participants": participants,
        }

    def reminded_actions(self) -> dict[UUID, dt.date]:
        """The open actions the participant is reminded of, with their due dates."""
        reminded_before = {n.about for n in self.notifications.values()}
        return {
            action_id: entry["due_on"]
            for action_id, entry in self.open_actions.items()
            if entry.get("participants")
            or (entry.get("participants") is None and action_id in reminded_before)
        }

    def action_off_agenda(self, action_id: UUID) -> None:
        if action_id in self.open_actions:
            self._action_off_agenda(action_id)

    @event("ActionOffAgenda")
    def _action_off_agenda(self, action_id: UUID) -> None:
        del self.open_actions[action_id]

    @event("MeetingOnAgenda")
    def meeting_on_agenda(self, meeting_id: UUID, at: dt.datetime) -> None:
        self.open_meetings[meeting_id] = at

    def meeting_off_agenda(self, meeting_id: UUID) -> None:
        if meeting_id in self.open_meetings:
            self._meeting_off_agenda(meeting_id)

    @event("MeetingOffAgenda")
    def _meeting_off_agenda(self, meeting_id: UUID) -> None:
        del self.open_meetings[meeting_id]

    @event("FeedRenewed")
    def renew_feed(self) -> None:
        """A new calendar-feed address; the previous one stops working."""
        self.feed_generation += 1
