"""Notifications' test parts: events fed in order, a clock the test moves, and fakes for the
ports (the channel tests use real SMTP and HTTP servers instead)."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.persistence import Tracking

from steiger.notifications.application import NotificationsApplication
from steiger.notifications.channels import DeliveryError
from steiger.notifications.dispatcher import Dispatcher
from steiger.notifications.messages import Message, MessageTemplates


class Feeder:
    def __init__(self, app: NotificationsApplication) -> None:
        self.app, self.positions = app, itertools.count(1)

    def __call__(self, *events: Any) -> None:
        for event in events:
            self.app.process_event(event, Tracking("upstream#0", next(self.positions)))


@dataclass
class Clock:
    now: dt.datetime

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@dataclass
class FakeDirectory:
    addresses: dict[str, str | None] = field(
        default_factory=lambda: {"email": "samira@example.nl", "sms": "+31612345678"}
    )
    lookups: list[tuple[uuid.UUID, str, str]] = field(default_factory=list)

    def address(self, participant_id: uuid.UUID, channel: str, purpose: str) -> str | None:
        self.lookups.append((participant_id, channel, purpose))
        return self.addresses.get(channel)


@dataclass
class FakeDetails:
    goals: dict[uuid.UUID, dict[str, Any]] = field(default_factory=dict)
    meetings: dict[uuid.UUID, dict[str, Any]] = field(default_factory=dict)

    def goal(self, goal_id: uuid.UUID) -> dict[str, Any] | None:
        return self.goals.get(goal_id)

    def goals_of(self, participant_id: uuid.UUID) -> list[dict[str, Any]]:
        return list(self.goals.values())

    def meeting(self, meeting_id: uuid.UUID) -> dict[str, Any] | None:
        return self.meetings.get(meeting_id)


@dataclass
class RecordingChannel:
    """Records what it was asked to send; fails as the test tells it to."""

    needs_address: bool = True
    failures: list[DeliveryError] = field(default_factory=list)
    sent: list[tuple[str | None, Message, uuid.UUID]] = field(default_factory=list)

    def send(self, to: str | None, message: Message, key: uuid.UUID, participant_id: uuid.UUID):
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((to, message, key))


def make_dispatcher(app, clock, concurrency=1, **channels) -> Dispatcher:
    return Dispatcher(
        app,
        channels or {"email": RecordingChannel()},
        FakeDirectory(),
        app.details,
        MessageTemplates(),
        clock,
        concurrency,
    )
