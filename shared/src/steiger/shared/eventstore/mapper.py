"""How domain events are stored: eventsourcing's mapper, with the trace each was made under
kept beside its state, and dates and times as ISO text."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent, Transcoding
from eventsourcing.utils import get_topic, resolve_topic

from steiger.shared.tracing import current_actor, current_traceparent

TRACEPARENT_KEY = "_traceparent"
ACTOR_KEY = "_actor"
"""Who made a change: the caller the door admitted (subject, roles, client, on whose
behalf, purpose), stored with each event a request records. Writes are recorded so; the
audit trail records the reads and every refusal (`steiger.shared.audit`)."""


class DateAsISO(Transcoding):
    type = dt.date
    name = "date_iso"

    def encode(self, obj: dt.date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> dt.date:
        return dt.date.fromisoformat(data)


class TimeAsISO(Transcoding):
    type = dt.time
    name = "time_iso"

    def encode(self, obj: dt.time) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> dt.time:
        return dt.time.fromisoformat(data)


class TracingMapper(Mapper[UUID]):
    """Stores the current traceparent beside each event's state, so the relay can put the
    request's trace on the Kafka record it publishes long after the request ended; and the
    request's actor, so every change says who made it."""

    def actor_of(self, stored_event: StoredEvent) -> dict[str, Any] | None:
        """Who made the change a stored event records (None: a reaction, not a request)."""
        state: dict[str, Any] = self.transcoder.decode(self._reveal(stored_event.state))
        return state.get(ACTOR_KEY)

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        state = dict(vars(domain_event))
        originator_id = state.pop("originator_id")
        originator_version = state.pop("originator_version")
        class_version = getattr(type(domain_event), "class_version", 1)
        if class_version > 1:
            state["class_version"] = class_version
        # an event made while processing a batch carries the trace of the event it answers
        traceparent = state.get(TRACEPARENT_KEY) or current_traceparent.get()
        if traceparent:
            state[TRACEPARENT_KEY] = traceparent
        if (actor := current_actor.get()) is not None:
            state[ACTOR_KEY] = actor
        return StoredEvent(
            originator_id=originator_id,
            originator_version=originator_version,
            topic=get_topic(type(domain_event)),
            state=self._protect(self.transcoder.encode(state)),
        )

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        return self.decode(stored_event)[0]

    def decode(self, stored_event: StoredEvent) -> tuple[Any, str | None]:
        """The domain event and the traceparent it was recorded under."""
        cls = resolve_topic(stored_event.topic)
        state: dict[str, Any] = self.transcoder.decode(self._reveal(stored_event.state))
        traceparent = state.pop(TRACEPARENT_KEY, None)
        state.pop(ACTOR_KEY, None)
        state["originator_id"] = stored_event.originator_id
        state["originator_version"] = stored_event.originator_version
        class_version = getattr(cls, "class_version", 1)
        from_version = state.pop("class_version", 1)
        while from_version < class_version:
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(state)
            from_version += 1
        domain_event = object.__new__(cls)
        object.__setattr__(domain_event, "__dict__", state)
        return domain_event, traceparent

    def _protect(self, state: bytes) -> bytes:
        if self.compressor:
            state = self.compressor.compress(state)
        if self.cipher:
            state = self.cipher.encrypt(state)
        return state

    def _reveal(self, state: bytes) -> bytes:
        if self.cipher:
            state = self.cipher.decrypt(state)
        if self.compressor:
            state = self.compressor.decompress(state)
        return state
