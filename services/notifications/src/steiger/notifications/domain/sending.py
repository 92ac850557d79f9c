"""What to do with a notification that fell due: send it, wait, skip it, or give up.

Pure decisions on a given `now`; the dispatcher reads the clock and does the I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from steiger.notifications.domain.notifications import Notification, ParticipantNotifications

RETRY_AFTER = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
)
"""Backoff between attempts; after the last one the notification has failed."""


@dataclass(frozen=True)
class Send:
    channels: list[str]


@dataclass(frozen=True)
class Skip:
    reason: str


@dataclass(frozen=True)
class Defer:
    until: dt.datetime
    reason: str


Decision = Send | Skip | Defer


def decide(owner: ParticipantNotifications, n: Notification, now: dt.datetime) -> Decision:
    """Late messages go out only while still useful (an open action not yet past due, a
    meeting still ahead); never in the participant's quiet hours; never on a channel they
    opted out of."""
    if now >= n.useful_until:
        return Skip("no longer useful: " + ("past due" if "reminder" in n.kind else "too late"))
    if owner.superseded(n, now):
        return Skip("superseded by a later reminder about the same thing")
    channels = owner.usable_channels()
    if not channels:
        return Skip("the participant opted out of every channel")
    if owner.window.is_quiet(now):
        until = owner.window.next_allowed(now)
        if until >= n.useful_until:
            return Skip("no longer useful after the quiet hours")
        return Defer(until, "quiet hours")
    return Send(channels)


def after_failure(n: Notification, now: dt.datetime) -> dt.datetime | None:
    """When to try again after a transient failure, or None: the notification has failed."""
    if n.attempts >= len(RETRY_AFTER):
        return None
    retry_at = now + RETRY_AFTER[n.attempts]
    return retry_at if retry_at < n.useful_until else None
