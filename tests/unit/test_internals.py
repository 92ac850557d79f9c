"""The library internals Steiger relies on (steiger.shared.internals), pinned: an upgrade
that changes them fails here, loudly, before it fails in production. aiokafka's metadata
requests; eventsourcing's private steps of a write (`_record`, `_take_snapshots`, `_notify`)
and its repository's `_reconstruct_aggregate`."""

from __future__ import annotations

import importlib.metadata
import uuid

import aiokafka.client
from eventsourcing.application import ProcessingEvent, project_aggregate
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import Tracking

import steiger.shared.kafka  # noqa: F401  (applies the changes, as every service does)
from steiger.shared.internals import StoreHooks, reconstruct_aggregate


def test_aiokafka_is_the_version_whose_metadata_requests_were_read():
    assert importlib.metadata.version("aiokafka") == "0.14.0"


def test_clients_never_ask_the_broker_to_make_a_topic():
    from aiokafka.protocol import metadata

    versions = [getattr(metadata, n) for n in dir(metadata) if n.startswith("MetadataRequest_v")]
    newest = max(versions, key=lambda version: version.API_VERSION)
    assert newest.API_VERSION >= 4  # the versions that carry allow_auto_topic_creation
    request = aiokafka.client.MetadataRequest(["steiger.planning.events.v1"])
    assert request.build(newest).allow_auto_topic_creation is False


def test_eventsourcing_is_the_version_whose_private_steps_were_read():
    assert importlib.metadata.version("eventsourcing") == "9.5.6"


class Counter(Aggregate):
    def __init__(self) -> None:
        self.count = 0

    @event("Incremented")
    def increment(self) -> None:
        self.count += 1


class Hooked(StoreHooks):
    snapshotting_intervals = {Counter: 2}  # noqa: RUF012  (the library's class variable)

    def __init__(self) -> None:
        super().__init__(
            {"PERSISTENCE_MODULE": "eventsourcing.popo", "IS_SNAPSHOTTING_ENABLED": "y"}
        )
        self.steps: list[str] = []

    def record(self, processing_event):
        self.steps.append("record")
        return super().record(processing_event)

    def recorded(self, recordings):
        self.steps.append(f"recorded {len(recordings)}")

    def policy(self, domain_event, processing_event):
        counter = Counter()
        counter.increment()
        processing_event.collect_events(counter)


def test_a_save_and_a_processed_event_go_through_record_then_recorded():
    app = Hooked()
    counter = Counter()
    app.save(counter)
    assert app.steps == ["record", "recorded 1"]
    app.steps.clear()
    app.process_event(next(iter(app.events.get(counter.id))), Tracking("upstream#0", 1))
    assert app.steps == ["record", "recorded 2"]


def test_after_recording_takes_snapshots_and_tells_recorded():
    app = Hooked()
    counter = Counter()
    counter.increment()  # version 2: a snapshot at every second version
    processing = ProcessingEvent[uuid.UUID]()
    processing.collect_events(counter)
    recordings = app.record(processing)
    app.after_recording(processing, recordings)
    assert app.steps == ["record", "recorded 2"]
    assert app.snapshots is not None and len(list(app.snapshots.get(counter.id))) == 1


def test_an_aggregate_is_reconstructed_from_the_store_not_the_cache():
    app = Hooked()
    counter = Counter()
    app.save(counter)
    stale = app.repository.get(counter.id)
    counter.increment()
    app.save(counter)
    assert stale.count == 0
    assert reconstruct_aggregate(app.repository, counter.id, project_aggregate).count == 1
