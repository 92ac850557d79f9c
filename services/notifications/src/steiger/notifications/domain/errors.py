from __future__ import annotations


class ParticipantGone(Exception):
    """The participant was erased: nothing is sent to them or shown about them any more."""


class FeedNotFound(Exception):
    """No calendar feed behind this address (never issued, or renewed since)."""
