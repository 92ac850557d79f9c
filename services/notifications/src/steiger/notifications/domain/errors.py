from __future__ import annotations


class ParticipantGone(Exception):
    """The participant was erased: nothing is sent to them or shown about them any more."""


class FeedNotFound(Exception):
    """No calendar feed behind this address (never issued, or renewed since)."""


class InvalidPartner(Exception):
    """Invalid input"""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        if field:
            self.problem_extensions = {"errors": [{"field": field, "message": message}]}


class InvalidSubscription(InvalidPartner):
    """Invalid input"""


class PartnerEnded(Exception):
    """Gone"""


class PartnerNotFound(Exception):
    """Not found"""


class SubscriptionNotFound(Exception):
    """Not found"""


class PartnerExists(Exception):
    """Conflict"""


class NotYourFeed(Exception):
    """Forbidden"""


class DeliveryNotFound(Exception):
    """Not found"""


class NotResendable(Exception):
    """Conflict"""
