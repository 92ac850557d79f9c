"""The idempotent consumer over the real broker, with the store on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import anyio
import pytest
from aiokafka.structs import ConsumerRecord
from eventsourcing.persistence import Tracking

from steiger.rewards.application import RewardsApplication
from steiger.rewards.menus import load_menu
from steiger.rewards.settings import Settings
from steiger.shared import cloudevents
from steiger.shared.consumer import IdempotentConsumer, subscriber_router
from steiger.shared.contracts.planning import ActionCompleted
from steiger.shared.kafka import ensure_topics
from steiger.shared.service import build_broker
from steiger.shared.topics import dead_letter_topic, events_topic

pytestmark = pytest.mark.broker
NOW = dt.datetime(2026, 11, 22, 10, tzinfo=dt.UTC)
PLANNING = events_topic("planning")
SOURCE = "urn:nld:oin:00000000000000000000:systeem:steiger-planning"
KEY = b"k" * 32


async def rewards_consuming_planning(own_broker, store_env, application_class, partitions):
    """Rewards with its consumer of planning's topic (not started), and the topics made."""
    settings = Settings(kafka_bootstrap_servers=own_broker.bootstrap_servers)
    app = application_class(store_env(settings), menu=load_menu())
    broker = build_broker(settings)
    consumer = consumer_of(app, broker, backoff_seconds=0.01)
    broker.include_router(subscriber_router(consumer, [PLANNING]))
    await ensure_topics(
        own_broker.bootstrap_servers, [PLANNING, dead_letter_topic("rewards")], partitions
    )
    return settings, app, broker, consumer


def consumer_of(app, broker, **options) -> IdempotentConsumer:
    """Rewards' consumer of planning's topic, trusting what planning signs with KEY."""
    return IdempotentConsumer(
        app, broker, consumer_name="rewards", signing_key=KEY, sources={PLANNING: SOURCE}, **options
    )


def completion(participant, sequence, item="digid-applied"):
    event = ActionCompleted(
        participant_id=participant,
        action_id=uuid.uuid4(),
        goal_id=uuid.uuid4(),
        column="income",
        due_on=NOW.date(),
        completed_at=NOW,
        on_time=True,
        reward_item=item,
    )
    return cloudevents.encode(
        event,
        event_id=str(uuid.uuid4()),
        source=SOURCE,
        time=NOW,
        sequence=sequence,
        traceparent=None,
        signing_key=KEY,
    )


async def test_redelivered_events_have_one_effect_and_poison_is_parked(
    own_broker, store_env, kafka_tools, committed_lag
):
    read_topic, eventually = kafka_tools
    settings, app, broker, consumer = await rewards_consuming_planning(
        own_broker, store_env, RewardsApplication, partitions=4
    )
    participant = uuid.uuid4()
    first, second = (
        completion(participant, 1),
        completion(participant, 2, "payment-arrangements-all-creditors"),
    )
    publisher = build_broker(settings)
    await publisher.connect()
    try:
        for record in (first, first, first):  # the same event three times
            await publisher.publish(
                record.value, topic=PLANNING, key=record.key, headers=record.headers
            )
        await publisher.publish(
            b'{"not": "a cloudevent"}',
            topic=PLANNING,
            key=record.key,
            headers={"ce_type": "nl.steiger.planning.action-completed.v1"},
        )
        await publisher.publish(
            second.value, topic=PLANNING, key=second.key, headers=second.headers
        )
        await broker.start()
        await eventually(lambda: app.rewards(participant)["balance"] == Decimal("80.00"))
        parked = await eventually(
            lambda: read_topic(own_broker.bootstrap_servers, dead_letter_topic("rewards"))
        )
        # the first one once more after processing, then a new one: once the new one is
        # processed, the repeat has certainly been consumed, and it earned nothing
        third = completion(participant, 3, item=None)
        for record in (first, third):
            await publisher.publish(
                record.value, topic=PLANNING, key=record.key, headers=record.headers
            )
        await eventually(
            lambda: app.recorder.max_tracking_id(f"{PLANNING}#{parked[0].partition}") == 3
        )

        # offsets are committed lazily, but they are committed: a restart resumes at the end
        async def all_committed() -> bool:
            lag = await committed_lag(own_broker.bootstrap_servers, "steiger-rewards", PLANNING)
            return lag == 0

        await eventually(all_committed)
    finally:
        await broker.stop()
        await publisher.stop()
    rewards = app.rewards(participant)
    assert rewards["balance"] == Decimal("80.00")
    assert len(rewards["earned"]) == 2
    assert len(parked) == 1
    reason = dict(parked[0].headers)["dead-letter-reason"].decode()
    assert "not signed by a Steiger producer" in reason


class ExplodingRewards(RewardsApplication):
    """Rewards whose policy fails on one kind of action: a fault in processing, not in
    decoding, so it shows up only once the batch is being recorded."""

    def policy(self, domain_event, processing_event):
        if getattr(domain_event, "reward_item", None) == "explodes":
            raise ValueError("this action cannot be rewarded")
        super().policy(domain_event, processing_event)


async def test_an_event_that_fails_inside_a_batch_is_parked_alone(
    own_broker, store_env, kafka_tools
):
    read_topic, eventually = kafka_tools
    settings, app, broker, consumer = await rewards_consuming_planning(
        own_broker, store_env, ExplodingRewards, partitions=4
    )
    participant = uuid.uuid4()
    records = [
        completion(participant, 1),
        completion(participant, 2, "explodes"),
        completion(participant, 3, "payment-arrangements-all-creditors"),
    ]
    publisher = build_broker(settings)
    await publisher.connect()
    try:
        for record in records:  # all waiting before the consumer starts: one batch
            await publisher.publish(
                record.value, topic=PLANNING, key=record.key, headers=record.headers
            )
        await broker.start()
        parked = await eventually(
            lambda: read_topic(own_broker.bootstrap_servers, dead_letter_topic("rewards"))
        )
        await eventually(lambda: app.rewards(participant)["balance"] == Decimal("80.00"))
    finally:
        await broker.stop()
        await publisher.stop()
    assert len(parked) == 1
    assert dict(parked[0].headers)["ce_id"].decode() == dict(records[1].headers)["ce_id"]
    reason = dict(parked[0].headers)["dead-letter-reason"].decode()
    assert reason == "ValueError: this action cannot be rewarded"
    assert app.recorder.max_tracking_id(f"{PLANNING}#{parked[0].partition}") == 3


async def test_a_batch_is_handled_on_the_event_loop_without_a_thread_hand_over(
    own_broker, store_env, kafka_tools, monkeypatch
):
    """faststream resolves an injected message on a worker thread; the subscriber takes the
    message as its argument instead (a hand-over per batch was measurable CPU)."""
    _, eventually = kafka_tools
    hand_overs = []
    run_sync = anyio.to_thread.run_sync

    async def counted(*args, **kwargs):
        hand_overs.append(args[0])
        return await run_sync(*args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    settings = Settings(kafka_bootstrap_servers=own_broker.bootstrap_servers)
    app = RewardsApplication(store_env(settings), menu=load_menu())
    broker = build_broker(settings)
    consumer = consumer_of(app, broker)
    broker.include_router(subscriber_router(consumer, [PLANNING]))
    await ensure_topics(own_broker.bootstrap_servers, [PLANNING], 4)
    participant = uuid.uuid4()
    publisher = build_broker(settings)
    await publisher.connect()
    try:
        for n, item in ((1, "digid-applied"), (2, "payment-arrangements-all-creditors")):
            record = completion(participant, n, item)
            await publisher.publish(
                record.value, topic=PLANNING, key=record.key, headers=record.headers
            )
        await broker.start()
        await eventually(lambda: len(app.rewards(participant)["earned"]) == 2)
    finally:
        await broker.stop()
        await publisher.stop()
    assert hand_overs == []


def delivered(record: cloudevents.KafkaRecord, offset: int) -> ConsumerRecord:
    return ConsumerRecord(
        topic=PLANNING,
        partition=0,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=record.key,
        value=record.value,
        checksum=None,
        serialized_key_size=len(record.key),
        serialized_value_size=len(record.value),
        headers=[(name, value.encode()) for name, value in record.headers.items()],
    )


async def test_a_batch_that_meets_a_concurrent_write_is_recorded_as_a_batch(store_env):
    """Another writer changed a ledger the batch touches (in a service, e.g. notifications'
    dispatcher on its own threads): the conflict is no event's fault, so the batch is tried
    again as a batch rather than event by event."""
    env = store_env(Settings())
    ours = RewardsApplication(env, menu=load_menu())
    theirs = RewardsApplication(env, menu=load_menu())
    consumer = consumer_of(ours, build_broker(Settings()))
    participant = uuid.uuid4()
    await consumer.handle([delivered(completion(participant, 1), 0)])  # ours caches the ledger
    other = completion(participant, 1, item="payment-arrangements-all-creditors")
    headers = [(name, value.encode()) for name, value in other.headers.items()]
    stale = cloudevents.decode(other.key, other.value, headers, KEY).event
    theirs.process_event(stale, Tracking("elsewhere#0", 1))  # ours' cached ledger is now old
    repeatable = "budget-kept-month"  # earned up to twelve times a year
    batch = [delivered(completion(participant, n, repeatable), n - 1) for n in (2, 3)]
    await consumer.handle(batch)
    assert consumer.batches_split == 0
    assert ours.recorder.max_tracking_id(f"{PLANNING}#0") == 3
    earned = ours.rewards(participant)["earned"]
    assert len(earned) == 4  # both of ours in the batch, the first one, and theirs


async def test_a_forged_record_is_parked_untracked_and_the_partition_goes_on(
    own_broker, store_env, kafka_tools
):
    """Issue 23's attack: a record with a huge sequence and a made-up source made every real
    event on its partition look like a duplicate. Also one signed by planning's key but
    claiming another source, and one of another producer's type in planning's topic."""
    read_topic, eventually = kafka_tools
    settings, app, broker, consumer = await rewards_consuming_planning(
        own_broker, store_env, RewardsApplication, partitions=1
    )
    participant = uuid.uuid4()
    genuine = completion(participant, 7)
    forged = {**genuine.headers, "ce_source": "urn:evil", "ce_sequence": str(10**15).zfill(20)}
    foreign_source = cloudevents.encode(
        ActionCompleted.model_validate_json(genuine.value), event_id="x", source="urn:nld:oin:"
        "00000000000000000000:systeem:steiger-rewards", time=NOW, sequence=10**14,
        traceparent=None, signing_key=KEY,
    )  # fmt: skip
    publisher = build_broker(settings)
    await publisher.connect()
    try:
        await publisher.publish(genuine.value, topic=PLANNING, key=genuine.key, headers=forged)
        for record in (foreign_source, completion(participant, 8, "gp-check-up")):
            await publisher.publish(
                record.value, topic=PLANNING, key=record.key, headers=record.headers
            )
        await broker.start()
        await eventually(lambda: len(app.rewards(participant)["earned"]) == 1)
        parked = await eventually(
            lambda: read_topic(own_broker.bootstrap_servers, dead_letter_topic("rewards"))
        )
        await eventually(lambda: consumer.parked == 2)
    finally:
        await broker.stop()
        await publisher.stop()
    assert app.recorder.max_tracking_id(f"{PLANNING}#0") == 8
    assert [e["item_id"] for e in app.rewards(participant)["earned"]] == ["gp-check-up"]
    reasons = [dict(r.headers)["dead-letter-reason"].decode() for r in parked]
    assert "signature does not match" in reasons[0]
    assert "does not own steiger.planning.events.v1" in reasons[1]
    assert consumer.last_parked["reason"] == reasons[1]
