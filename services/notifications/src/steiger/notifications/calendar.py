"""The participant's steps in their own agenda: an iCalendar feed of open actions and
meetings, behind an address only they get. The token is an HMAC of the participant's
pseudonymous id and the feed's generation, so renewing the feed ends the old address and
no table of tokens is kept."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from uuid import UUID

from icalendar import Calendar, Event

from steiger.notifications.domain.notifications import ParticipantNotifications
from steiger.notifications.lookups import Details

NAMES = {
    "nl": ("Mijn stappen (Steiger)", "Afspraak met je mentor", "Stap"),
    "en": ("My steps (Steiger)", "Meeting with your mentor", "Step"),
}
MEETING_LENGTH = dt.timedelta(hours=1)
MAX_TOKEN_LENGTH = 96
"""32 hex digits of the id, a generation, a dot and 43 characters of MAC, with room to spare."""


class FeedTokens:
    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def token(self, participant_id: UUID, generation: int) -> str:
        return f"{participant_id.hex}{generation:x}.{self._mac(participant_id, generation)}"

    def read(self, token: str) -> tuple[UUID, int] | None:
        """(participant id, generation) of a genuine token, else None."""
        if len(token) > MAX_TOKEN_LENGTH or not token.isascii():
            return None
        head, _, mac = token.partition(".")
        try:
            participant_id, generation = UUID(hex=head[:32]), int(head[32:], 16)
        except ValueError:
            return None
        if hmac.compare_digest(mac, self._mac(participant_id, generation)):
            return participant_id, generation
        return None

    def _mac(self, participant_id: UUID, generation: int) -> str:
        digest = hmac.new(
            self.secret, f"{participant_id}:{generation}".encode(), hashlib.sha256
        ).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def agenda(owner: ParticipantNotifications, details: Details, now: dt.datetime) -> bytes:
    """Open actions as all-day events on their due date, meetings at their time. The
    calendar app's own alarms do the reminding; the words come from planning."""
    language = owner.language if owner.language in NAMES else "nl"
    title, meeting_title, step = NAMES[language]
    calendar = Calendar()
    calendar.add("prodid", "-//Steiger//Notifications//NL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", title)
    descriptions = {
        a["action_id"]: a["description"]
        for g in (details.goals_of(owner.participant_id) if owner.open_actions else [])
        for a in g.get("actions", ())
    }
    for action_id, action in sorted(owner.open_actions.items(), key=lambda a: a[1]["due_on"]):
        event = Event()
        event.add("uid", f"{action_id}@steiger")
        event.add("dtstamp", now)
        event.add("summary", descriptions.get(str(action_id), step))
        event.add("dtstart", action["due_on"])
        event.add("dtend", action["due_on"] + dt.timedelta(days=1))
        calendar.add_component(event)
    for meeting_id, at in sorted(owner.open_meetings.items(), key=lambda m: m[1]):
        meeting = details.meeting(meeting_id) or {}
        event = Event()
        event.add("uid", f"{meeting_id}@steiger")
        event.add("dtstamp", now)
        event.add("summary", meeting_title)
        # in UTC: a fixed offset (how times come out of the store) has no VTIMEZONE and
        # would be written as "floating" local time
        event.add("dtstart", at.astimezone(dt.UTC))
        event.add("dtend", (at + MEETING_LENGTH).astimezone(dt.UTC))
        if meeting.get("place"):
            event.add("location", meeting["place"])
        calendar.add_component(event)
    return calendar.to_ical()
