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
        record.key, record.value, [(k, v.encode()) for k, v in record.headers.items()]
    )
    assert envelope.event.amount == Decimal("20.00")
    assert envelope.sequence == 42
    assert envelope.id == "e-1"


def test_the_sequence_sorts_as_a_string():
    a = cloudevents.encode(
        reward(), event_id="a", source=SOURCE, time=NOW, sequence=9, traceparent=None
    )
    b = cloudevents.encode(
        reward(), event_id="b", source=SOURCE, time=NOW, sequence=10, traceparent=None
    )
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
        cloudevents.decode(record.key, value, [(k, v.encode()) for k, v in headers.items()])


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
    assert ours.headers == sdk.headers | {"traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01"}


def test_an_event_time_without_a_utc_offset_is_refused():
    with pytest.raises(ValueError, match="UTC offset"):
        encoded(time=dt.datetime(2026, 11, 22, 10))


def test_the_consumers_decoder_reads_the_attributes_as_the_sdk_does():
    record = encoded()
    headers = [(k, v.encode()) for k, v in record.headers.items()]
    sdk = from_binary_event(KafkaMessage(headers=dict(headers), key=record.key, value=record.value))
    ours = cloudevents.decode(record.key, record.value, headers)
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
    assert cloudevents.decode_event(record.key, record.value, headers) == (event, 42)
    assert cloudevents.decode(record.key, record.value, headers).event == event


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
    with pytest.raises(cloudevents.PoisonMessage, match=reason):
        cloudevents.decode_event(*change(record.key, record.value, headers))
