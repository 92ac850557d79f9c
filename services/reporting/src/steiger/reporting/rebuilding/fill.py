"""Reporting's projections rebuilt from the whole history, into a store of their own.

The history arrives as (integration event, source, sequence): `source` names what the live
consumer tracks (`<topic>#<partition>`), `sequence` the producer's position. Events are
applied by the same reactions the live service uses, to aggregates that stay in memory for
the whole rebuild. What gets written is the result, not the way there: per participant the
aggregate's first event (so the store knows who is in it) and a snapshot of its state, plus
how far each source was applied, so a reporting service started on this store consumes from
there on without doubling anything. The live service then appends events after the snapshot
as usual."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

from eventsourcing.domain import Snapshot
from eventsourcing.persistence import Tracking

from steiger.reporting.application import ReportingApplication
from steiger.reporting.domain.progress import Progress
from steiger.reporting.rebuilding.history import from_kafka

History = Iterable[tuple[Any, str, int]]


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:  # itertools 3.12
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


_STATE_CHANGES = {
    name: member.decorated_func
    for name, member in vars(Progress).items()
    if hasattr(member, "decorated_func")
}


class _Folding:
    """A participant's progress folded without recording the way: the aggregate's decorated
    methods called as plain functions. They are exactly what applying their events runs, so
    the state is the same as the live service's, at a fraction of the cost."""

    __slots__ = ("aggregate",)

    def __init__(self, aggregate: Progress) -> None:
        self.aggregate = aggregate

    def __getattr__(self, name: str) -> Any:
        return _STATE_CHANGES[name].__get__(self.aggregate)


class _Folder:
    """Stands in for the application and the processing event the reactions expect."""

    def __init__(self, application: ReportingApplication, fresh: bool) -> None:
        self.application, self.fresh = application, fresh
        self.held: dict[Any, _Folding] = {}
        self.changed: dict[Any, Progress] = {}
        self.firsts: list[Any] = []

    def progress_of(self, participant_id: Any) -> _Folding:
        folding = self.held.get(participant_id)
        if folding is None:
            aggregate = (
                Progress(participant_id)  # an empty store holds no one: no need to look
                if self.fresh
                else self.application.progress_of(participant_id)
            )
            self.firsts.extend(aggregate.collect_events())  # a new one's first event
            folding = self.held[participant_id] = _Folding(aggregate)
        return folding

    def collect_events(self, *changed: _Folding) -> None:
        for folding in changed:
            self.changed[folding.aggregate.id] = folding.aggregate


class Rebuild:
    def __init__(
        self, application: ReportingApplication, batch_size: int = 5000, fresh: bool = False
    ) -> None:
        """`fresh`: the store is empty (a first fill), so participants are not looked up."""
        self.application, self.batch_size = application, batch_size
        self.folder = _Folder(application, fresh)
        self.positions: dict[str, int] = {}
        self.recorded: dict[str, int] = {}
        self.applied = 0

    def feed(self, history: History, progress: Callable[[int], None] = lambda n: None) -> int:
        reactions, folder, positions = self.application.reactions, self.folder, self.positions
        for batch in batched(history, self.batch_size):
            for event, source, sequence in batch:
                reaction = reactions.get(type(event))
                if reaction is not None:
                    reaction(folder, event, folder)  # type: ignore[arg-type]  # folds as one
                if sequence > positions.get(source, 0):
                    positions[source] = sequence
            self.applied += len(batch)
            progress(len(batch))
        return self.applied

    def record_positions(self) -> dict[str, int]:
        """Writes the new participants' first events and the changed ones' snapshots, then
        how far each source was applied; returns those positions."""
        app, folder = self.application, self.folder
        if folder.firsts:
            app.events.put(folder.firsts)
        if folder.changed:
            assert app.snapshots is not None, "reporting's stores keep snapshots"
            app.snapshots.put([Snapshot.take(a) for a in folder.changed.values()])
        folder.firsts, folder.changed = [], {}
        for source, sequence in self.positions.items():
            if sequence > self.recorded.get(source, 0):
                app.recorder.insert_tracking(Tracking(source, sequence))
                self.recorded[source] = sequence
        return dict(self.positions)

    def adopt(self, positions: Mapping[str, int]) -> None:
        """Continue after a fill done elsewhere (e.g. by parallel workers) up to `positions`."""
        self.positions.update(positions)
        self.recorded.update(positions)


def fill(
    env: Mapping[str, str], history: History, progress: Callable[[int], None] = lambda n: None
) -> dict[str, int]:
    """Rebuilds into the store of `env` from `history` in this process; returns positions."""
    rebuild = Rebuild(ReportingApplication(env), fresh=True)
    rebuild.feed(history, progress)
    return rebuild.record_positions()


def fill_from_kafka(
    env: Mapping[str, str],
    bootstrap_servers: str,
    producers: Sequence[str],
    partitions: int,
    signing_key: bytes,
    progress: Callable[[int], None] = lambda n: None,
    workers: int = 2,
) -> dict[str, int]:
    """Rebuilds from the topics with a worker process per share of the partition numbers.
    A participant's events carry their id as key, and every topic has the same number of
    partitions, so one participant's events are all in partitions of one number: the
    workers' participants never overlap. Returns the positions reached."""
    ReportingApplication(dict(env)).close()  # the tables exist before the workers start
    context = multiprocessing.get_context("spawn")
    messages: Any = context.Queue()
    shares = [s for s in (list(range(w, partitions, workers)) for w in range(workers)) if s]
    processes = [
        context.Process(
            target=_fill_share,
            args=(dict(env), bootstrap_servers, list(producers), signing_key, share, messages),
            daemon=True,
        )
        for share in shares
    ]
    for process in processes:
        process.start()
    positions: dict[str, int] = {}
    try:
        finished = 0
        while finished < len(processes):
            message = messages.get()
            if isinstance(message, int):
                progress(message)
            elif isinstance(message, dict):
                positions.update(message)
                finished += 1
            else:
                raise RuntimeError(f"a rebuild worker failed: {message}")
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
    return positions


def _fill_share(
    env: dict[str, str],
    bootstrap: str,
    producers: list[str],
    signing_key: bytes,
    share: list[int],
    out: Any,
) -> None:
    """A worker process: its share of the partitions, folded and written."""
    try:
        out.put(fill(env, from_kafka(bootstrap, producers, signing_key, share), out.put))
    except Exception as error:  # the parent raises it
        out.put(f"{type(error).__name__}: {error}")
