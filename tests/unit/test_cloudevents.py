import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event

from steiger.shared import cloudevents
from steiger.shared.contracts.planning import ActionCompleted
from steiger.shared.contracts.rewards import RewardEarned

NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)
SOURCE = "urn:nld:oin:00000000000000000001:systeem:steiger-rewards"
KEY = b"k" * 32


def resigned(key, value, headers: dict[str, str]) -> list[tuple[str, bytes]]:
    """Headers signed again after a test changed the record: what a producer holding the
    key would send."""
    encoded_headers = [(k, v.encode()) for k, v in headers.items() if k != "steiger-signature"]
    signature = cloudevents.signature(KEY, key, value, encoded_headers)
    return [*encoded_headers, ("steiger-signature", signature.encode())]


def reward() -> RewardEarned:
    return RewardEarned(
        participant_id=uuid.uuid4(),
        reward_id=uuid.uuid4(),
        item_id="digid-applied",
        rule="alphen-2019:action-completed:digid-applied",
        trigger="action-completed:x",
        amount=Decimal("20.00"),
        currency="EUR",
        column="income",
        earned_at=NOW,
    )


def encoded(event=None, **overrides):
    arguments = {
        "event_id": "e-1",
        "source": SOURCE,
        "time": NOW,
        "sequence": 42,
        "traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01",
        "signing_key": KEY,
    }
    return cloudevents.encode(event or reward(), **(arguments | overrides))


def test_binary_mode_headers_follow_the_nl_gov_profile():
    event = reward()
    record = encoded(event)
    h = record.headers
    assert h["ce_specversion"] == "1.0"
    assert h["ce_type"] == "nl.steiger.rewards.reward-earned.v1"
    assert h["ce_source"] == SOURCE
    assert h["ce_subject"] == str(event.participant_id)
    assert record.key == str(event.participant_id).encode()
    assert h["ce_sequence"] == "00000000000000000042"  # string order = numeric order
    assert h["traceparent"].startswith("00-aaaa")
    assert h["content-type"] == "application/json"


def test_money_is_a_string_on_the_wire_and_decimal_again_after():
    record = encoded()
    assert json.loads(record.value)["amount"] == "20.00"
    envelope = cloudevents.decode(
        record.key, record.value, [(k, v.encode()) for k, v in record.headers.items()], KEY
    )
    assert envelope.event.amount == Decimal("20.00")
    assert envelope.sequence == 42
    assert envelope.id == "e-1"


def test_the_sequence_sorts_as_a_string():
    a = encoded(event_id="a", sequence=9)
    b = encoded(event_id="b", sequence=10)
    assert a.headers["ce_sequence"] < b.headers["ce_sequence"]


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda h, v: (h | {"ce_type": "nl.steiger.unknown.v9"}, v), "unknown event type"),
        (lambda h, v: (h, b'{"participant_id": "not-a-uuid"}'), "invalid"),
        (lambda h, v: ({k: x for k, x in h.items() if k != "ce_id"}, v), "missing ce_id"),
        (lambda h, v: (h | {"ce_subject": str(uuid.uuid4())}, v), "subject does not match"),
        (lambda h, v: (h | {"ce_specversion": "0.3"}, v), "unsupported specversion"),
        (lambda h, v: ({k: x for k, x in h.items() if k != "ce_time"}, v), "missing ce_time"),
        (lambda h, v: (h | {"ce_time": "2026-11-22T10:00:00"}, v), "no UTC offset"),
        (lambda h, v: (h | {"ce_time": "yesterday"}, v), "invalid"),
        (lambda h, v: (h | {"ce_sequence": "forty-two"}, v), "invalid"),
        (lambda h, v: (h | {"content-type": "application/xml"}, v), "not JSON data"),
        (lambda h, v: (h, b"{not json"), "invalid"),
    ],
)
def test_records_that_can_never_be_processed_are_poison(mutate, reason):
    record = encoded()
    headers, value = mutate(dict(record.headers), record.value)
    with pytest.raises(cloudevents.PoisonMessage, match=reason):
        cloudevents.decode(record.key, value, resigned(record.key, value, headers), KEY)


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (lambda k, v, h: (k, v, [x for x in h if x[0] != "steiger-signature"]), "not signed"),
        (lambda k, v, h: (k, v.replace(b"20.00", b"2000.00"), h), "does not match"),
        (
            lambda k, v, h: (k, v, [(n, b"9" * 20 if n == "ce_sequence" else x) for n, x in h]),
            "does not match",
        ),
        (lambda k, v, h: (b"another-participant", v, h), "does not match"),
        (
            lambda k, v, h: (
                k,
                v,
                [
                    (n, cloudevents.signature(b"x" * 32, k, v, h).encode())
                    if n == "steiger-signature"
                    else (n, x)
                    for n, x in h
                ],
            ),
            "does not match",
        ),
    ],
)
def test_a_record_no_producer_signed_is_forged(tamper, reason):
    record = encoded()
    headers = [(k, v.encode()) for k, v in record.headers.items()]
    key, value, changed = tamper(record.key, record.value, headers)
    with pytest.raises(cloudevents.ForgedRecord, match=reason):
        cloudevents.decode(key, value, changed, KEY)
    with pytest.raises(cloudevents.ForgedRecord, match=reason):
        cloudevents.decode_event(key, value, changed, KEY)


@pytest.mark.parametrize("time", [NOW, NOW.astimezone(dt.timezone(dt.timedelta(hours=1)))])
def test_the_relays_encoder_writes_what_the_sdk_writes(time):
    event = reward()
    ours = encoded(event, time=time)
    sdk = cloudevents.encode_data(
        event.model_dump(mode="json"),
        event_type=event.event_type,
        subject=str(event.participant_id),
        event_id="e-1",
        source=SOURCE,
        time=time,
        extensions={"sequence": "00000000000000000042"},
    )
    assert (ours.key, ours.value) == (sdk.key, sdk.value)
    assert ours.headers == sdk.headers | {
        "traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01",
        "steiger-signature": ours.headers["steiger-signature"],
    }


def test_an_event_time_without_a_utc_offset_is_refused():
    with pytest.raises(ValueError, match="UTC offset"):
        encoded(time=dt.datetime(2026, 11, 22, 10))


def test_the_consumers_decoder_reads_the_attributes_as_the_sdk_does():
    record = encoded()
    headers = [(k, v.encode()) for k, v in record.headers.items()]
    sdk = from_binary_event(KafkaMessage(headers=dict(headers), key=record.key, value=record.value))
    ours = cloudevents.decode(record.key, record.value, headers, KEY)
    assert (ours.id, ours.source, ours.type, ours.time) == (
        sdk.get_id(),
        sdk.get_source(),
        sdk.get_type(),
        sdk.get_time(),
    )
    assert ours.sequence == int(sdk.get_extension("sequence"))
    assert str(ours.event.participant_id) == sdk.get_subject()
    assert ours.event.model_dump(mode="json") == sdk.get_data()


def test_contracts_refuse_naive_times():
    with pytest.raises(ValueError):
        ActionCompleted(
            participant_id=uuid.uuid4(),
            action_id=uuid.uuid4(),
            goal_id=uuid.uuid4(),
            column=None,
            due_on=dt.date(2026, 1, 1),
            completed_at=dt.datetime(2026, 1, 1),
            on_time=True,
        )


def test_the_bulk_decoder_reads_what_the_full_one_reads():
    event = reward()
    record = encoded(event)
    headers = [(k, v.encode()) for k, v in record.headers.items()]
    assert cloudevents.decode_event(record.key, record.value, headers, KEY) == (event, 42)
    assert cloudevents.decode(record.key, record.value, headers, KEY).event == event


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda key, value, headers: (key, value, [h for h in headers if h[0] != "ce_type"]), "no"),
        (lambda key, value, headers: (key, b'{"participant_id": "x"}', headers), "invalid"),
        (lambda key, value, headers: (b"someone-else", value, headers), "key does not match"),
        (
            lambda key, value, headers: (
                key,
                value,
                [(k, b"nl.steiger.unknown.v1" if k == "ce_type" else v) for k, v in headers],
            ),
            "no",
        ),
    ],
)
def test_the_bulk_decoder_refuses_what_is_not_a_steiger_event(change, reason):
    record = encoded()
    headers = [(k, v.encode()) for k, v in record.headers.items()]
    key, value, changed = change(record.key, record.value, headers)
    signed = resigned(key, value, {k: v.decode() for k, v in changed})
    with pytest.raises(cloudevents.PoisonMessage, match=reason):
        cloudevents.decode_event(key, value, signed, KEY)
