"""CloudEvents 1.0 in the Kafka protocol binding, binary mode, after the NL GOV profile.

Context attributes travel as `ce_*` headers and must hold no personal data (intermediaries
log headers): `subject` and the message key are the pseudonymous participant id. `sequence`
is the source's notification id, zero-padded so that its string order is its numeric order
(the sequence extension compares strings); it may have gaps where the source recorded an
internal event that is not published.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cloudevents.core.bindings.kafka import to_binary_event
from cloudevents.core.v1.event import CloudEvent
from pydantic import ValidationError

from steiger.shared.contracts import REGISTRY, IntegrationEvent

TRACEPARENT_HEADER = "traceparent"
_SEQUENCE_DIGITS = 20
_REQUIRED = (
    "ce_specversion",
    "ce_id",
    "ce_source",
    "ce_type",
    "ce_time",
    "ce_subject",
    "ce_sequence",
)


SIGNATURE_HEADER = "steiger-signature"
"""HMAC-SHA256 over the record's key, value and `ce_*` headers (the ones a client or an
intermediary may add or rewrite, e.g. a correlation id or a trace, stay out), with the
system's event key:
who can write to a topic but holds no key (a misconfigured client, an intruder) cannot make
a record any service accepts. The Kafka cluster's ACLs are the first wall; this is the
second."""


LATE_HEADER = "steiger-late"
"""Marks a stored event published after the events that followed it (a relay parked it,
an operator sent it once the cause was fixed): consumers process it on its own, tracked by
its own sequence. Signed with the rest, so no one can make an old record late again."""


class PoisonMessage(Exception):
    """A record that can never be processed as it stands; it is parked with this reason."""


class ForgedRecord(PoisonMessage):
    """A record no Steiger producer signed: parked, never processed or tracked."""


def signature(
    signing_key: bytes, key: bytes | None, value: bytes, headers: Iterable[tuple[str, bytes]]
) -> str:
    """Over every part, each prefixed with its length, so no two records sign alike."""
    mac = hmac.new(signing_key, digestmod=hashlib.sha256)
    parts = [key or b"", value]
    for name, content in sorted(headers):
        if name.startswith("ce_") or name == LATE_HEADER:
            parts += [name.encode(), content]
    for part in parts:
        mac.update(len(part).to_bytes(8, "big"))
        mac.update(part)
    return mac.hexdigest()


def verify(
    signing_key: bytes, key: bytes | None, value: bytes, headers: Iterable[tuple[str, bytes]]
) -> None:
    """Raises `ForgedRecord` unless the record carries the signature made with `signing_key`."""
    headers = list(headers)
    carried = dict(headers).get(SIGNATURE_HEADER)
    if carried is None:
        raise ForgedRecord("not signed by a Steiger producer (no steiger-signature header)")
    expected = signature(signing_key, key, value, headers).encode()
    if not hmac.compare_digest(carried, expected):
        raise ForgedRecord("the signature does not match: not from a Steiger producer")


@dataclass(frozen=True)
class KafkaRecord:
    key: bytes
    value: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Envelope:
    id: str
    source: str
    type: str
    time: dt.datetime
    sequence: int
    traceparent: str | None
    event: IntegrationEvent
    late: bool = False


def encode(
    event: IntegrationEvent,
    *,
    event_id: str,
    source: str,
    time: dt.datetime,
    sequence: int,
    traceparent: str | None,
    signing_key: bytes,
) -> KafkaRecord:
    """An integration event as the relay publishes it, signed. Written straight, as `decode` reads:
    the SDK's event and binding (`encode_data`) took more than twice as long, for every
    record every relay publishes (docs/benchmarks.md, "Measurements behind the code"). A
    unit test keeps the two byte for byte equal."""
    subject = str(event.participant_id)
    headers = {
        "ce_specversion": "1.0",
        "ce_id": event_id,
        "ce_source": source,
        "ce_type": event.event_type,
        "ce_time": _rfc3339(time),
        "ce_subject": subject,
        "content-type": "application/json",
        "ce_sequence": str(sequence).zfill(_SEQUENCE_DIGITS),
    }
    if traceparent:
        headers[TRACEPARENT_HEADER] = traceparent
    value = json.dumps(event.model_dump(mode="json")).encode()
    key = subject.encode()
    encoded = [(name, content.encode()) for name, content in headers.items()]
    headers[SIGNATURE_HEADER] = signature(signing_key, key, value, encoded)
    return KafkaRecord(key=key, value=value, headers=headers)


def _rfc3339(time: dt.datetime) -> str:
    """As the SDK writes a time: ISO 8601, UTC as 'Z'."""
    if time.tzinfo is None:
        raise ValueError("a CloudEvent's time must have a UTC offset")
    written = time.isoformat()
    return written[:-6] + "Z" if written.endswith("+00:00") else written


def encode_data(
    data: dict[str, Any],
    *,
    event_type: str,
    subject: str,
    event_id: str,
    source: str,
    time: dt.datetime,
    extensions: dict[str, str] | None = None,
) -> KafkaRecord:
    """Any JSON document as a CloudEvent in binary mode, keyed by its subject. Integration
    events go through `encode`; this serves records about no one participant (datasets)."""
    cloud_event = CloudEvent(
        attributes={
            "specversion": "1.0",
            "id": event_id,
            "source": source,
            "type": event_type,
            "time": time,
            "subject": subject,
            "datacontenttype": "application/json",
            **(extensions or {}),
        },
        data=data,
    )
    message = to_binary_event(cloud_event, key_mapper=lambda _: subject)
    headers = {name: value.decode() for name, value in message.headers.items()}
    return KafkaRecord(key=subject.encode(), value=message.value, headers=headers)


def decode(
    key: bytes | None, value: bytes, headers: Iterable[tuple[str, bytes]], signing_key: bytes
) -> Envelope:
    """Every record a consumer receives, checked against the binary mode we publish in, and
    refused (`ForgedRecord`) unless a Steiger producer signed it.

    Read straight from the `ce_*` headers rather than through the SDK's `from_binary_event`
    (which `encode` uses to write them): this runs for every record in every consumer, and
    the SDK took four times as long (docs/benchmarks.md, "Measurements behind the code"). Unit
    tests keep the two in step: this reads the attributes as the SDK does, and refuses what
    is not a CloudEvent 1.0 in binary mode with JSON data."""
    headers = list(headers)
    verify(signing_key, key, value, headers)
    header_map = dict(headers)
    missing = [name for name in _REQUIRED if name not in header_map]
    if missing:
        raise PoisonMessage(f"not a Steiger CloudEvent: missing {', '.join(missing)}")
    try:
        attributes = {name: header_map[name].decode() for name in _REQUIRED}
    except UnicodeDecodeError as error:
        raise PoisonMessage(f"not a CloudEvent in binary mode: {error}") from error
    if attributes["ce_specversion"] != "1.0":
        raise PoisonMessage(f"unsupported specversion {attributes['ce_specversion']!r}")
    content_type = header_map.get("content-type", b"application/json")
    if not content_type.startswith(b"application/json"):
        raise PoisonMessage(f"not JSON data: content-type {content_type.decode(errors='replace')}")
    event_type = attributes["ce_type"]
    contract = REGISTRY.get(event_type)
    if contract is None:
        raise PoisonMessage(f"unknown event type {event_type!r}")
    try:
        time = dt.datetime.fromisoformat(attributes["ce_time"])
        event = contract.model_validate_json(value)
        sequence = int(attributes["ce_sequence"])
    except (ValidationError, ValueError) as error:
        raise PoisonMessage(f"invalid {event_type}: {error}") from error
    if time.tzinfo is None:
        raise PoisonMessage("ce_time has no UTC offset")
    if str(event.participant_id) != attributes["ce_subject"]:
        raise PoisonMessage("subject does not match the event's participant_id")
    traceparent = header_map.get(TRACEPARENT_HEADER)
    return Envelope(
        id=attributes["ce_id"],
        source=attributes["ce_source"],
        type=event_type,
        time=time,
        sequence=sequence,
        traceparent=traceparent.decode() if traceparent else None,
        event=event,
        late=LATE_HEADER in header_map,
    )


def made_late(record: KafkaRecord, signing_key: bytes) -> KafkaRecord:
    """The record marked late and signed again (see `LATE_HEADER`)."""
    headers = {**record.headers, LATE_HEADER: "true"}
    encoded = [(name, value.encode()) for name, value in headers.items()]
    headers[SIGNATURE_HEADER] = signature(signing_key, record.key, record.value, encoded)
    return KafkaRecord(key=record.key, value=record.value, headers=headers)


def decode_event(
    key: bytes | None, value: bytes, headers: Iterable[tuple[str, bytes]], signing_key: bytes
) -> tuple[IntegrationEvent, int]:
    """The event and its sequence, for bulk reads of whole histories (replays): the same
    checks on the data and the signature as `decode`, without building a full CloudEvent
    from the headers."""
    headers = list(headers)
    verify(signing_key, key, value, headers)
    header_map = dict(headers)
    try:
        contract = REGISTRY[header_map["ce_type"].decode()]
        event = contract.model_validate_json(value)
        sequence = int(header_map["ce_sequence"])
    except KeyError as error:
        raise PoisonMessage(f"not a Steiger CloudEvent: no {error}") from error
    except (ValidationError, ValueError) as error:
        raise PoisonMessage(f"invalid record: {error}") from error
    if key is not None and key.decode() != str(event.participant_id):
        raise PoisonMessage("key does not match the event's participant_id")
    return event, sequence
