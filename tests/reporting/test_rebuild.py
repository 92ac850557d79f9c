"""A rebuild folds the same events by the same reactions as the live service: its
projections equal the live ones, whatever the interleaving across services and however
often an event arrives; and a live service continues on a rebuilt store."""

import datetime as dt
import random

import pytest
from eventsourcing.persistence import Tracking

from steiger.cli.histories import history
from steiger.reporting.application import ReportingApplication
from steiger.reporting.domain.views import participant_view
from steiger.reporting.rebuilding.fill import Rebuild
from steiger.shared.topics import events_topic

DAYS = [dt.date(2024, 6, 1), dt.date(2025, 3, 1), dt.date(2027, 1, 1)]


def sqlite(path) -> ReportingApplication:
    return ReportingApplication(
        {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path),
         "SINGLE_ROW_TRACKING": "y"}
    )  # fmt: skip


def sourced(events):
    """As a consumer sees them: one source per producing service, sequences increasing."""
    sequences = {}
    for event in events:
        source = f"{events_topic(event.producer)}#0"
        sequences[source] = sequences.get(source, 0) + 1
        yield event, source, sequences[source]


def views(app, days=DAYS):
    return {p: [participant_view(app.progress_of(p), d) for d in days] for p in app.participants()}


@pytest.fixture(scope="module")
def events():
    return list(history(3000, per_participant=60, seed=3))


@pytest.fixture(scope="module")
def live(events, tmp_path_factory):
    app = sqlite(tmp_path_factory.mktemp("live") / "live.sqlite")
    for event, source, sequence in sourced(events):
        app.process_event(event, Tracking(source, sequence))
    return app


def test_a_rebuild_equals_the_live_projection(events, live, tmp_path):
    rebuilt = sqlite(tmp_path / "rebuilt.sqlite")
    rebuild = Rebuild(rebuilt, batch_size=500)
    assert rebuild.feed(sourced(events)) == len(events)
    rebuild.record_positions()
    reopened = sqlite(tmp_path / "rebuilt.sqlite")  # from what was written, not from memory
    assert len(reopened.participants()) == 50
    assert views(reopened) == views(live)


def test_another_interleaving_across_services_with_duplicates_gives_the_same(
    events, live, tmp_path
):
    by_service = {}
    for item in sourced(events):
        by_service.setdefault(item[0].producer, []).append(item)
    shuffled, rng = [], random.Random(5)
    while any(by_service.values()):  # each service's own order kept, services interleaved
        queue = rng.choice([q for q in by_service.values() if q])
        item = queue.pop(0)
        shuffled.append(item)
        if rng.random() < 0.1:
            shuffled.append(item)  # delivered twice
    rebuilt = sqlite(tmp_path / "shuffled.sqlite")
    rebuild = Rebuild(rebuilt)
    rebuild.feed(shuffled)
    rebuild.record_positions()
    assert views(sqlite(tmp_path / "shuffled.sqlite")) == views(live)


def test_the_live_consumer_continues_on_a_rebuilt_store_without_doubling(events, tmp_path):
    first, rest = events[:2000], events[2000:]
    rebuilt = sqlite(tmp_path / "rebuilt.sqlite")
    rebuild = Rebuild(rebuilt)
    rebuild.feed(sourced(first))
    positions = rebuild.record_positions()

    continued = sqlite(tmp_path / "rebuilt.sqlite")
    for event, source, sequence in sourced(events):  # everything again, as a consumer would
        if not continued.recorder.has_tracking_id(source, sequence):
            continued.process_event(event, Tracking(source, sequence))
    expected = sqlite(tmp_path / "expected.sqlite")
    for event, source, sequence in sourced(first + rest):
        expected.process_event(event, Tracking(source, sequence))
    assert views(continued) == views(expected)
    assert all(continued.recorder.has_tracking_id(s, n) for s, n in positions.items())
