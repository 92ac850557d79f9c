"""Sends what fell due: the one place where notifications does I/O towards participants.

Per notification: decide (send, wait, skip), look up the address at the participant service,
render the message, send it with the notification id as idempotency key, and record the
outcome. A notification is recorded as sent only after its channel accepted it, so after a
crash it is sent again with the same key (the receiver can tell; see channels.py); one that
was recorded is never sent again. Run one dispatcher per store.

Participants are served side by side, `concurrency` at a time, each participant's
notifications in order by one worker: a send mostly waits (on the participant service, the
channel, the store's commit), and a morning's reminders for thousands of participants fall
due together. So up to `concurrency` messages can be in flight at a crash, each sent again
afterwards with its key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

import structlog

from steiger.notifications.application import NotificationsApplication
from steiger.notifications.channels import Channel, DeliveryError
from steiger.notifications.domain.notifications import Notification, ParticipantNotifications
from steiger.notifications.domain.sending import Defer, Skip, after_failure, decide
from steiger.notifications.lookups import Details, Directory
from steiger.notifications.messages import Message, MessageTemplates

log = structlog.get_logger("dispatcher")


class Dispatcher:
    def __init__(
        self,
        app: NotificationsApplication,
        channels: Mapping[str, Channel],
        directory: Directory,
        details: Details,
        templates: MessageTemplates,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        concurrency: int = 1,
    ) -> None:
        self.app, self.channels, self.directory = app, channels, directory
        self.details, self.templates, self.clock = details, templates, clock
        self.concurrency = concurrency

    def run_once(self) -> int:
        """Handles everything due now; returns how many notifications it finished or moved."""
        now = self.clock()
        due: dict[UUID, list[UUID]] = {}
        for owner_id, notification_id in self.app.due.due(now):  # earliest first
            due.setdefault(owner_id, []).append(notification_id)

        def serve(owner_id: UUID) -> int:
            return sum(self.dispatch(owner_id, n_id, now) for n_id in due[owner_id])

        if self.concurrency == 1 or len(due) < 2:
            return sum(map(serve, due))
        workers = min(self.concurrency, len(due))
        with ThreadPoolExecutor(workers, thread_name_prefix="dispatch") as pool:
            return sum(pool.map(serve, due))

    def dispatch(self, owner_id: UUID, notification_id: UUID, now: dt.datetime) -> int:
        owner = self.app.owner(owner_id)
        n = owner.notifications[notification_id]
        if n.status != "pending" or n.send_at > now:
            # the index heard of it out of order (from another process of the service)
            self.app.due.correct(owner, notification_id)
            return 0
        decision = decide(owner, n, now)
        if self.app.restricted(owner.participant_id):
            decision = Skip("processing restricted (GDPR art. 18)")
        if isinstance(decision, Skip):
            self.app.change(owner_id, lambda o: o.skipped(notification_id, decision.reason, now))
        elif isinstance(decision, Defer):
            self.app.change(
                owner_id, lambda o: o.defer(notification_id, decision.until, decision.reason)
            )
        else:
            self._send(owner, n, decision.channels, now)
        return 1

    def _send(
        self,
        owner: ParticipantNotifications,
        n: Notification,
        channels: list[str],
        now: dt.datetime,
    ) -> None:
        key, reason = n.notification_id, "no address on any of the participant's channels"
        for name in channels:
            channel = self.channels.get(name)
            if channel is None:
                reason = f"{name} is not configured"
                continue
            try:
                to = None
                if channel.needs_address:
                    to = self.directory.address(owner.participant_id, name, f"notification:{key}")
                    if not to:
                        continue
                channel.send(to, self._message(owner, n, now), key, owner.participant_id)
            except DeliveryError as error:
                if error.permanent:
                    reason = error.reason
                    continue  # the next channel may still reach them
                self._retry_or_fail(owner.id, n, name, error.reason, now)
                return
            self.app.change(owner.id, lambda o, sent_on=name: o.sent(key, sent_on, now))
            log.info("notification sent", kind=n.kind, channel=name, notification_id=str(key))
            return
        self.app.change(owner.id, lambda o: o.failed(key, reason, now))
        log.warning("notification failed", kind=n.kind, reason=reason, notification_id=str(key))

    def _retry_or_fail(
        self, owner_id: UUID, n: Notification, channel: str, reason: str, now: dt.datetime
    ) -> None:
        retry_at = after_failure(n, now)
        if retry_at is None:
            self.app.change(owner_id, lambda o: o.failed(n.notification_id, reason, now))
        else:
            self.app.change(
                owner_id, lambda o: o.attempt_failed(n.notification_id, channel, reason, retry_at)
            )

    def _message(
        self, owner: ParticipantNotifications, n: Notification, now: dt.datetime
    ) -> Message:
        return self.templates.render(n.kind, owner.language, self._context(owner, n, now))

    def _context(
        self, owner: ParticipantNotifications, n: Notification, now: dt.datetime
    ) -> dict[str, Any]:
        """The facts a template may use; the words of actions and meetings come from
        planning now and are not kept here."""
        today = now.astimezone(owner.window.zone).date()
        context: dict[str, Any] = dict(n.details)
        if n.kind == "action-reminder":
            goal = self.details.goal(n.details["goal_id"]) or {}
            action: dict[str, Any] = next(
                (a for a in goal.get("actions", ()) if a["action_id"] == str(n.about)), {}
            )
            context |= {"action": action, "days_left": (n.details["due_on"] - today).days}
        elif n.kind == "meeting-reminder":
            meeting = self.details.meeting(n.about) or {}
            context |= {"place": meeting.get("place")}
        elif n.kind == "meeting-summary":
            held = (self.details.meeting(n.about) or {}).get("held") or {}
            agreed = set(held.get("action_ids", ()))
            actions = [
                {"description": a["description"], "due_on": dt.date.fromisoformat(a["due_on"])}
                for g in self.details.goals_of(owner.participant_id)
                for a in g.get("actions", ())
                if a["action_id"] in agreed
            ]
            context |= {
                "summary": held.get("summary"),
                "risks": held.get("risks", []),
                "actions": actions,
            }
        elif n.kind == "goal-achieved":
            context |= {"goal": self.details.goal(n.about) or {}}
        return context
