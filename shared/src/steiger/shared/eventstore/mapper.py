"""How domain events are stored: eventsourcing's mapper, with the trace each was made under
kept beside its state, case texts sealed with the participant's key, and dates and times
as ISO text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent, Transcoding
from eventsourcing.utils import get_topic, resolve_topic

from steiger.shared.sealing import CaseTexts
from steiger.shared.tracing import current_actor, current_traceparent

TRACEPARENT_KEY = "_traceparent"
ACTOR_KEY = "_actor"
"""Who made a change: the caller the door admitted (subject, roles, client, on whose
behalf, purpose), stored with each event a request records. Writes are recorded so; the
audit trail records the reads and every refusal (`steiger.shared.audit`)."""
SEALED_KEY = "_sealed"
"""Whose key sealed which fields of a stored event: {"for": participant id, "fields": [...]}."""

CaseTextFields = tuple[str, ...] | Callable[[Any], tuple[str, ...]]
"""Which fields of an event are case text: named, or named by the event (a pause's reason is
free text, an exit's a category its contract carries)."""

owners_being_written: ContextVar[Mapping[UUID, UUID] | None] = ContextVar(
    "owners_being_written", default=None
)
"""While a write is stored: the participant each aggregate written is about, for an event
with case texts that does not name its participant itself."""


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
    request's actor, so every change says who made it. Seals an event's case texts (the
    fields `case_texts` names for its class) with its participant's key."""

    case_texts: Mapping[type, CaseTextFields] = {}
    sealer: CaseTexts | None = None

    def _seal(self, domain_event: Any, state: dict[str, Any]) -> None:
        declared = self.case_texts.get(type(domain_event), ())
        if callable(declared):
            declared = declared(domain_event)
        fields = [f for f in declared if f in state and state[f] is not None]
        if not fields or self.sealer is None:
            return
        owner = state.get("participant_id") or (owners_being_written.get() or {}).get(
            domain_event.originator_id
        )
        if not isinstance(owner, UUID):
            raise TypeError(f"{type(domain_event).__qualname__} names no participant to seal for")
        state.update(self.sealer.seal(owner, {f: state[f] for f in fields}))
        state[SEALED_KEY] = {"for": str(owner), "fields": fields}

    def _open(self, state: dict[str, Any]) -> None:
        sealed = state.pop(SEALED_KEY, None)
        if sealed is None:
            return
        if self.sealer is None:
            raise RuntimeError("a sealed event, and no key store to open it with")
        fields = sealed["fields"]
        state.update(self.sealer.open(UUID(sealed["for"]), {f: state[f] for f in fields}))

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
        self._seal(domain_event, state)
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
        self._open(state)
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
