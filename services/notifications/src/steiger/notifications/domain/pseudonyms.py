"""The partners' own names for Steiger's ids."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from uuid import UUID

from steiger.shared.contracts.partners import SHAREABLE


class Pseudonyms:
    """The partner's own names for Steiger's ids: an HMAC of the id under a key per partner
    (derived from one secret of the service), so the same participant is the same pseudonym
    to a partner every time, and a different one to every other partner."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def of(self, partner: str, kind: str, id_: UUID | str) -> str:
        key = hmac.new(self._secret, f"partner:{partner}".encode(), hashlib.sha256).digest()
        digest = hmac.new(key, f"{kind}:{id_}".encode(), hashlib.sha256).digest()
        return str(UUID(bytes=digest[:16], version=4))

    def subject(self, partner: str, participant_id: UUID) -> str:
        return self.of(partner, "participant", participant_id)

    def data_for(self, partner: str, event_type: str, data: dict[str, Any]) -> dict[str, Any]:
        """A minimised event's data as this partner receives it: ids as their pseudonyms."""
        ids = SHAREABLE[event_type].ids
        return {
            name: self.of(partner, name.removesuffix("_id"), value) if name in ids else value
            for name, value in data.items()
        }
