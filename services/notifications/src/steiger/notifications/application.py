from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Recording

from steiger.notifications.calendar import FeedTokens, agenda
from steiger.notifications.contracts import to_contract
from steiger.notifications.domain.errors import FeedNotFound, ParticipantGone
from steiger.notifications.domain.notifications import ParticipantNotifications
from steiger.notifications.domain.partners import Partner
from steiger.notifications.domain.sharing import SharedHistory
from steiger.notifications.domain.timing import ReminderPolicy
from steiger.notifications.lookups import Details
from steiger.notifications.partner_index import PartnerIndex
from steiger.notifications.policies import REACTIONS
from steiger.notifications.projections import DueIndex
from steiger.shared.eventstore import ServiceApplication, retry_on_conflict
from steiger.shared.participants import ParticipantState

STATUSES = ("pending", "sent", "failed", "skipped", "cancelled")
OUTCOMES = {
    ParticipantNotifications.Sent: "sent",
    ParticipantNotifications.Failed: "failed",
    ParticipantNotifications.Skipped: "skipped",
    ParticipantNotifications.Cancelled: "cancelled",
}
"""How a notification ended, by the event that says so (for the service's metrics)."""


class NotificationsApplication(ServiceApplication):
    name = "notifications"
    translate = to_contract
    reactions = REACTIONS

    def __init__(
        self,
        env: dict[str, str] | None = None,
        reminder_policy: ReminderPolicy | None = None,
        timezone: str = "Europe/Amsterdam",
        feed_tokens: FeedTokens | None = None,
        details: Details | None = None,
        public_url: str = "http://127.0.0.1:8005",
    ) -> None:
        self.due = DueIndex()
        self.partner_index = PartnerIndex()
        self.outcome_listener: Callable[[str], None] | None = None
        """Told how each notification ended, as it is recorded (the service's metrics)."""
        super().__init__(env)
        self.reminder_policy = reminder_policy or ReminderPolicy()
        self.timezone = timezone
        self.feed_tokens = feed_tokens or FeedTokens(os.urandom(32))
        self.details = details
        self.public_url = public_url
        for owner_id in self.originators_of(ParticipantNotifications.Opened):
            self.due.add_owner(self.repository.get(owner_id))
        for partner_id in self.originators_of(Partner.Registered):
            self.partner_index.add_partner(self.repository.get(partner_id))
        for history_id in self.originators_of(SharedHistory.Consented):
            self.partner_index.add_history(self.repository.get(history_id))

    def recorded(self, recordings: list[Recording[UUID]], here: bool = True) -> None:
        self.due.follow(r.domain_event for r in recordings)
        self.partner_index.follow((r.domain_event for r in recordings), self.repository.get)
        if self.outcome_listener is not None and here:  # each process counts its own
            for r in recordings:
                outcome = OUTCOMES.get(type(r.domain_event))
                if outcome is not None:
                    self.outcome_listener(outcome)
        super().recorded(recordings, here)

    def participant_state(self, participant_id: UUID) -> ParticipantState:
        owner = self.find(
            ParticipantNotifications.create_id(participant_id), ParticipantNotifications
        )
        if owner is None:
            return "unknown"
        if owner.erased:
            return "erased"
        return "registered" if owner.registered else "unknown"

    def notifications_of(self, participant_id: UUID) -> ParticipantNotifications:
        owner_id = ParticipantNotifications.create_id(participant_id)
        found = self.find(owner_id, ParticipantNotifications)
        return found or ParticipantNotifications(participant_id, self.timezone)

    def history_of(self, participant_id: UUID) -> SharedHistory:
        """What chain partners could see of the participant (see `domain.sharing`)."""
        found = self.find(SharedHistory.create_id(participant_id), SharedHistory)
        return found or SharedHistory(participant_id)

    def owner(self, owner_id: UUID) -> ParticipantNotifications:
        return self.repository.get(owner_id)

    @retry_on_conflict
    def change(self, owner_id: UUID, change: Callable[[ParticipantNotifications], None]) -> None:
        """Load, change, save (again on the fresh state after a conflict with the consumer:
        an outcome that already happened must be recorded)."""
        owner = self.owner(owner_id)
        change(owner)
        self.save(owner)

    def overview(self, participant_id: UUID) -> dict[str, Any]:
        """The operator's view: every notification by status, with what happened to it."""
        owner = self.notifications_of(participant_id)
        found: dict[str, list[dict[str, Any]]] = {status: [] for status in STATUSES}
        for n in sorted(owner.notifications.values(), key=lambda n: n.send_at):
            found[n.status].append(
                {
                    "notification_id": n.notification_id,
                    "kind": n.kind,
                    "about": n.about,
                    "send_at": n.send_at,
                    "useful_until": n.useful_until,
                    "attempts": n.attempts,
                    "channel": n.channel,
                    "reason": n.reason,
                    "history": n.history,
                }
            )
        return {
            "participant_id": participant_id,
            "language": owner.language,
            "channels": owner.usable_channels(),
            "active": owner.active,
            **found,
        }

    def subject_access(self, participant_id: UUID) -> dict[str, Any]:
        """GDPR art. 15, this service's part: every reminder, summary and celebration, when
        and over which channel it went (or why not); the preferences it follows. The words
        of a message are not kept here: they were the plan's, which planning's part holds."""
        owner = self.notifications_of(participant_id)
        return {
            "notifications": self.overview(participant_id),
            "contact_window": {
                "time_of_day": owner.window.time_of_day,
                "quiet_from": owner.window.quiet_from,
                "quiet_until": owner.window.quiet_until,
            },
            "opted_out": list(owner.opted_out),
        }

    @retry_on_conflict
    def renew_feed(self, participant_id: UUID) -> str:
        """A new calendar-feed token for the participant; the previous one stops working."""
        owner = self.notifications_of(participant_id)
        if owner.erased:
            raise ParticipantGone(f"participant {participant_id} was erased")
        owner.renew_feed()
        self.save(owner)
        return self.feed_tokens.token(participant_id, owner.feed_generation)

    def calendar(self, token: str, now: dt.datetime) -> bytes:
        found = self.feed_tokens.read(token)
        if found is None:
            raise FeedNotFound("no calendar feed at this address")
        participant_id, generation = found
        owner = self.notifications_of(participant_id)
        if owner.erased or generation != owner.feed_generation:
            raise FeedNotFound("no calendar feed at this address")
        if self.restricted(participant_id):  # a frozen file is not processed (GDPR art. 18)
            raise FeedNotFound("no calendar feed at this address while the file is restricted")
        assert self.details is not None, "the calendar feed needs planning's details"
        return agenda(owner, self.details, now)

    def pending_count(self, now: dt.datetime) -> dict[str, int]:
        return {"pending": len(self.due), "due": self.due.count_due(now)}
