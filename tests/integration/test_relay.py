"""The outbox relay over the real broker, with the store on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from contextlib import asynccontextmanager

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from steiger.planning.application import PlanningApplication
from steiger.planning.contracts import to_contract
from steiger.planning.settings import Settings
from steiger.shared.eventstore import store_environment
from steiger.shared.kafka import TopicKeeper, ensure_topics
from steiger.shared.relay import OutboxRelay
from steiger.shared.topics import dead_letter_topic, events_topic

from ..waiting import eventually_async

pytestmark = pytest.mark.broker
TOPIC = events_topic("planning")
KEY = b"k" * 32


def plan(app: PlanningApplication, actions: int) -> None:
    for _ in range(actions):
        goal = app.set_goal(uuid.uuid4(), "Doel", "short", "debts", 2)
        app.plan_action(goal, "Stap", "participant", dt.date(2026, 12, 1), None)


@asynccontextmanager
async def running_relay(app, settings, loss_check_interval=0.3, batch_interval=0.05):
    relay = OutboxRelay(
        app,
        topic=TOPIC,
        dead_letter_topic=dead_letter_topic("planning"),
        source=settings.source,
        signing_key=KEY,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        partitions=4,
        poll_interval=0.1,
        loss_check_interval=loss_check_interval,
        batch_interval=batch_interval,
    )
    task = asyncio.create_task(relay.run())
    try:
        yield relay
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def public_sequences(app: PlanningApplication) -> list[int]:
    """Notification ids of the stored events that have a public contract (plans are internal)."""
    notifications = app.recorder.select_notifications(start=1, limit=10_000)
    return [n.id for n in notifications if to_contract(app.mapper.decode(n)[0]) is not None]


def stored(app: PlanningApplication) -> int:
    return app.recorder.max_notification_id() or 0


def sequences(records) -> list[int]:
    return [int(dict(r.headers)["ce_sequence"]) for r in records]


async def test_publishes_every_public_event_in_order_and_resumes_without_duplicates(
    own_broker, store_env, kafka_tools
):
    read_topic, eventually = kafka_tools
    settings = Settings(kafka_bootstrap_servers=own_broker.bootstrap_servers)
    app = PlanningApplication(store_env(settings))
    plan(app, 5)
    async with running_relay(app, settings) as relay:
        await eventually(lambda: relay.position == stored(app))
    records = await read_topic(own_broker.bootstrap_servers, TOPIC)
    assert len(records) == 10
    assert sorted(sequences(records)) == public_sequences(app)
    for partition in {r.partition for r in records}:
        numbered = zip(records, sequences(records), strict=True)
        in_partition = [s for r, s in numbered if r.partition == partition]
        assert in_partition == sorted(in_partition)  # per-participant order holds

    plan(app, 2)  # written while no relay runs; a new relay resumes from the topic's tail
    async with running_relay(app, settings) as relay:
        await eventually(lambda: relay.position == stored(app))
    records = await read_topic(own_broker.bootstrap_servers, TOPIC)
    assert sorted(sequences(records)) == public_sequences(app)
    assert len({dict(r.headers)["ce_id"] for r in records}) == len(records) == 14


async def test_a_busy_relay_does_not_mistake_broker_lag_for_loss(own_broker, store_env):
    """Tansu's end offsets trail the log by a batch; the loss checks that run once the relay
    is idle must not take that for loss (each false alarm costs a resume)."""
    settings = Settings(kafka_bootstrap_servers=own_broker.bootstrap_servers)
    app = PlanningApplication(store_env(settings))
    async with running_relay(app, settings) as relay:
        for _ in range(40):
            await asyncio.to_thread(plan, app, 25)
            await asyncio.sleep(0.02)
        await eventually_async(lambda: relay.position >= stored(app))
        await asyncio.sleep(1.0)  # idle: loss checks run
        assert relay.resumes == 1  # only its start


async def test_refills_the_topic_when_the_broker_lost_its_data(own_broker, store_env, kafka_tools):
    read_topic, eventually = kafka_tools
    settings = Settings(kafka_bootstrap_servers=own_broker.bootstrap_servers)
    app = PlanningApplication(store_env(settings))
    plan(app, 3)
    async with running_relay(app, settings) as relay:
        await eventually(lambda: relay.position == stored(app))
        before = {
            dict(r.headers)["ce_id"] for r in await read_topic(own_broker.bootstrap_servers, TOPIC)
        }
        own_broker.restart()  # the embedded broker comes back empty

        async def refilled():
            try:
                records = await read_topic(own_broker.bootstrap_servers, TOPIC, timeout=2)
            except Exception:
                return False
            return {dict(r.headers)["ce_id"] for r in records} == before

        await eventually(refilled, timeout=30)
        plan(app, 1)
        await eventually(lambda: relay.position == stored(app))
        assert relay.resumes >= 2  # its start, then the loss
    records = await read_topic(own_broker.bootstrap_servers, TOPIC)
    assert len(records) == 8
    assert sorted(sequences(records)) == public_sequences(app)


async def test_a_loss_right_after_a_single_batch_is_noticed_before_the_next(
    own_broker, store_env, kafka_tools
):
    """Everything went out in one batch, the broker restarted empty, and new events come at
    once (before an idle check could run): the relay must not publish them into the empty
    topic without what came before."""
    read_topic, eventually = kafka_tools
    settings = Settings(kafka_bootstrap_servers=own_broker.bootstrap_servers)
    app = PlanningApplication(store_env(settings))
    plan(app, 3)  # stored before the relay starts: its first batch holds them all
    async with running_relay(app, settings, loss_check_interval=600) as relay:
        await eventually(lambda: relay.position == stored(app))
        own_broker.restart()
        await ensure_topics(own_broker.bootstrap_servers, [TOPIC], 4)  # as the services do
        plan(app, 1)
        await eventually(lambda: relay.position == stored(app), timeout=30)

        async def complete():
            records = await read_topic(own_broker.bootstrap_servers, TOPIC, timeout=2)
            return sorted(sequences(records)) == public_sequences(app)

        await eventually(complete, timeout=30)


async def test_an_idle_relay_does_not_keep_fetching_the_tails_it_read(own_broker, store_env):
    """The relay reads its topic's partition tails at start and in loss checks; between them
    it must not keep fetching (an assigned partition is long-polled for ever: five idle relays
    cost the broker a fifth of a core)."""
    settings = Settings(kafka_bootstrap_servers=own_broker.bootstrap_servers)
    app = PlanningApplication(store_env(settings))
    plan(app, 3)
    async with running_relay(app, settings, loss_check_interval=600) as relay:
        await eventually_async(lambda: relay.position >= stored(app))
        assert not relay.fetching
        await asyncio.sleep(1.0)  # idle
        assert not relay.fetching


async def test_a_stream_of_writes_goes_out_in_fewer_batches_and_a_lone_write_at_once(
    own_broker, store_env
):
    """While writes keep coming, the relay lets them gather for `batch_interval` after a
    batch (each batch costs a read, a ListOffsets and a produce round trip); the first write
    after a quiet spell is published without waiting."""
    settings = Settings(kafka_bootstrap_servers=own_broker.bootstrap_servers)
    app = PlanningApplication(store_env(settings))
    loop = asyncio.get_running_loop()
    async with running_relay(app, settings, loss_check_interval=600, batch_interval=1.0) as relay:
        await eventually_async(lambda: relay.ready)
        before = relay.batches

        def keep_writing() -> float:  # as a service's commands do, beside the relay's loop
            started = time.monotonic()
            for _ in range(100):  # a write every millisecond or two
                plan(app, 1)
                time.sleep(0.001)
            return time.monotonic() - started

        writing = await asyncio.to_thread(keep_writing)
        await eventually_async(lambda: relay.position >= stored(app))
        # one batch at once, then one a second while writes come, and the rest
        assert relay.batches - before <= 2 + writing < 100

        await asyncio.sleep(1.2)  # quiet, longer than the batch interval
        written = loop.time()
        plan(app, 1)
        await eventually_async(lambda: relay.position >= stored(app), interval=0.01)
        assert loop.time() - written < 0.8  # did not wait the batch interval


async def test_an_event_it_cannot_publish_is_parked_and_the_rest_goes_out(
    own_broker, store_env, kafka_tools, monkeypatch
):
    """Whatever is stored is checked against its contract first, so this takes a translator
    that changed after the event was stored (a bug, an upgrade): the relay parks that event on
    the service's dead-letter topic with its reason, and publishes the others."""
    read_topic, eventually = kafka_tools
    settings = Settings(kafka_bootstrap_servers=own_broker.bootstrap_servers)
    app = PlanningApplication(store_env(settings))
    goal = app.set_goal(uuid.uuid4(), "Doel", "short", "debts", 2)
    doomed = app.plan_action(goal, "Stap", "participant", dt.date(2026, 12, 1), None)
    plan(app, 2)

    def stricter(event):
        if getattr(event, "action_id", None) == doomed:
            raise ValueError("the contract changed under this event")
        return to_contract(event)

    monkeypatch.setattr(PlanningApplication, "translate", staticmethod(stricter))
    async with running_relay(app, settings) as relay:
        await eventually(lambda: relay.position == stored(app))
        assert relay.parked == 1 and relay.last_parked.reason.startswith("Unpublishable")
    published = await read_topic(own_broker.bootstrap_servers, TOPIC)
    parked = await read_topic(own_broker.bootstrap_servers, dead_letter_topic("planning"))
    assert len(published) == len(public_sequences(app)) - 1 == 5
    assert [dict(r.headers)["dead-letter-stage"] for r in parked] == [b"relay"]
    assert "contract changed" in dict(parked[0].headers)["dead-letter-reason"].decode()
    assert int(dict(parked[0].headers)["dead-letter-notification-id"]) not in sequences(published)


async def test_a_forged_record_at_the_tail_does_not_move_the_relay(
    own_broker, store_env, kafka_tools
):
    """A record no relay signed, with a huge sequence, written after the relay's own: at its
    next start the relay resumes after its own last record, not after the forged one."""
    read_topic, eventually = kafka_tools
    settings = Settings(kafka_bootstrap_servers=own_broker.bootstrap_servers)
    app = PlanningApplication(store_env(settings))
    plan(app, 2)
    async with running_relay(app, settings) as relay:
        await eventually(lambda: relay.position == stored(app))
    records = await read_topic(own_broker.bootstrap_servers, TOPIC)
    producer = AIOKafkaProducer(bootstrap_servers=own_broker.bootstrap_servers)
    await producer.start()
    try:
        for partition in range(4):  # one at the end of every partition
            headers = [
                (n, str(10**15).zfill(20).encode() if n == "ce_sequence" else v)
                for n, v in records[0].headers
            ]
            await producer.send_and_wait(
                TOPIC, records[0].value, key=records[0].key, headers=headers, partition=partition
            )
    finally:
        await producer.stop()
    plan(app, 1)
    async with running_relay(app, settings) as relay:
        await eventually(lambda: relay.position == stored(app))
    published = [r for r in await read_topic(own_broker.bootstrap_servers, TOPIC)]
    ours = [s for s in sequences(published) if s < 10**15]
    assert sorted(ours) == public_sequences(app)  # each once: nothing lost, nothing again


async def test_a_store_behind_its_topic_stops_the_relay_visibly(
    own_broker, store_env, kafka_tools, tmp_path
):
    """A store restored from an older backup: publishing would reuse sequences consumers
    already have (their events would be taken for duplicates). The relay does not publish,
    says why, and is not ready."""
    read_topic, eventually = kafka_tools
    settings = Settings(kafka_bootstrap_servers=own_broker.bootstrap_servers)
    app = PlanningApplication(store_env(settings))
    plan(app, 3)
    async with running_relay(app, settings) as relay:
        await eventually(lambda: relay.position == stored(app))
    published = len(await read_topic(own_broker.bootstrap_servers, TOPIC))
    restored = PlanningApplication(store_environment(Settings(var_dir=tmp_path / "backup")))
    plan(restored, 1)  # an older, shorter history
    async with running_relay(restored, settings) as relay:
        await eventually(lambda: relay.incident is not None)
        assert not relay.ready and "past the store's last notification" in relay.incident
    assert len(await read_topic(own_broker.bootstrap_servers, TOPIC)) == published


async def test_topics_a_restarted_broker_lost_come_back_with_their_partitions(own_broker):
    keeper = TopicKeeper(
        own_broker.bootstrap_servers, {dead_letter_topic("planning"): 2, "steiger.x.v1": 1}
    )
    await keeper.ensure()
    own_broker.restart()  # back empty
    keeping = asyncio.create_task(keeper.keep(interval=0.2))
    try:
        admin = AIOKafkaAdminClient(bootstrap_servers=own_broker.bootstrap_servers)
        await admin.start()

        async def made_again() -> bool:
            return set(await admin.list_topics()) == set(keeper.topics)

        await eventually_async(made_again, timeout=20, interval=0.2)
        described = await admin.describe_topics(list(keeper.topics))
        await admin.close()
    finally:
        keeping.cancel()
    assert {t["topic"]: len(t["partitions"]) for t in described} == keeper.topics
