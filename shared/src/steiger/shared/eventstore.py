"""Each service's event store: the eventsourcing library on SQLite (embedded) or PostgreSQL.

`ServiceApplication` is the base of every service's application. It records with a process
recorder, so the effect of an incoming integration event is stored atomically with its
tracking record (the idempotent consumer relies on that), and its notification log is the
outbox the relay publishes from.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Any, ClassVar, TypeVar, cast
from urllib.parse import unquote, urlparse
from uuid import UUID

from eventsourcing.application import (
    AggregateNotFoundError,
    ProcessingEvent,
    Repository,
    project_aggregate,
)
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    Mapper,
    Recording,
    StoredEvent,
    Tracking,
    Transcoding,
)
from eventsourcing.projection import EventSourcedProjection
from eventsourcing.utils import get_topic, resolve_topic, retry, strtobool
from pydantic import ValidationError

from steiger.shared.contracts import IntegrationEvent
from steiger.shared.contracts.translation import Translator
from steiger.shared.copying import private_copy
from steiger.shared.participants import ParticipantState
from steiger.shared.protocol_checks import remember_protocol_members
from steiger.shared.settings import ServiceSettings
from steiger.shared.tracing import current_traceparent

remember_protocol_members()  # the library checks its protocols for every event it touches

TRACEPARENT_KEY = "_traceparent"

retry_on_conflict = retry(IntegrityError, max_attempts=5)
"""For a command (load, change, save) that may meet a concurrent write to the same aggregate,
e.g. by the service's own consumer creating a participant's record at the moment the first
HTTP command does: the whole command runs again on the fresh state (nothing was written, and
the domain checks its rules again). At once: by the time the store reports the conflict the
other write is committed (SQLite lets one writer at a time, PostgreSQL waits for the other
transaction), and the retry reads it; a wait would only hold up the event loop the command
runs on. A conflict that persists after five tries is answered 409 at the HTTP edge."""

Reaction = Callable[[Any, Any, ProcessingEvent[UUID]], None]
"""A policy: (application, integration event, processing event) -> None."""
Reactions = Mapping[type, Reaction]
"""A service's policies, by the integration event each reacts to."""


class Unpublishable(Exception):
    """The change would not fit its published contract"""

    def __init__(self, event: Any, error: Exception) -> None:
        name = type(event).__qualname__
        if isinstance(error, ValidationError):
            errors = [
                {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
                for e in error.errors()
            ]
        else:
            errors = [{"field": "", "message": f"{type(error).__name__}: {error}"}]
        why = "; ".join(
            f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors
        )
        super().__init__(f"{name} would not fit its published contract: {why}")
        self.problem_extensions = {"errors": errors}


def store_environment(settings: ServiceSettings) -> dict[str, str]:
    """The eventsourcing environment for this service's own store."""
    # Aggregates are cached (no replaying long histories). A service's SQLite file has one
    # writer, the service's process, and every write there leaves its aggregates in the cache:
    # a cached aggregate is current, and reading it asks the store nothing. A PostgreSQL schema
    # may be shared by replicas of the service, so there each read fast-forwards the cached
    # aggregate from the store first (AGGREGATE_CACHE_FASTFORWARD=n in the environment turns
    # that off for a deployment that runs one process per service).
    common = {"SINGLE_ROW_TRACKING": "y", "AGGREGATE_CACHE_MAXSIZE": "10000"}
    if not settings.database_url:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        path = Path(settings.var_dir) / f"{settings.service}.sqlite"
        return {
            **common,
            "AGGREGATE_CACHE_FASTFORWARD": "n",
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(path),
            "SQLITE_LOCK_TIMEOUT": "10",
        }
    url = urlparse(settings.database_url)
    if url.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"STEIGER_DATABASE_URL must be a postgresql:// URL, not {url.scheme}://")
    return {
        **common,
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": url.path.lstrip("/") or "steiger",
        "POSTGRES_HOST": url.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": unquote(url.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(url.password or ""),
        # One database, one schema per service: each service still owns its store.
        "POSTGRES_SCHEMA": f"steiger_{settings.service}",
        "POSTGRES_POOL_SIZE": "8",
        "POSTGRES_LOCK_TIMEOUT": "5",
    }


def _schema_statement(env: Mapping[str, str], statement: str) -> None:
    """Runs `statement` ({} is the service's schema) on the store's PostgreSQL database."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=env["POSTGRES_PORT"],
        user=env["POSTGRES_USER"],
        password=env.get("POSTGRES_PASSWORD") or None,
        autocommit=True,
    ) as connection:
        connection.execute(sql.SQL(statement).format(sql.Identifier(env["POSTGRES_SCHEMA"])))


def _create_postgres_schema(env: Mapping[str, str]) -> None:
    """The library creates tables, not schemas: make the service's own schema on first start."""
    _schema_statement(env, "CREATE SCHEMA IF NOT EXISTS {}")


def drop_store(env: Mapping[str, str]) -> None:
    """Removes a store altogether: the SQLite file (and its WAL), or the PostgreSQL schema."""
    if "SQLITE_DBNAME" in env:
        for suffix in ("", "-wal", "-shm"):
            Path(env["SQLITE_DBNAME"] + suffix).unlink(missing_ok=True)
    else:
        _schema_statement(env, "DROP SCHEMA IF EXISTS {} CASCADE")


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
    request's trace on the Kafka record it publishes long after the request ended."""

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


A = TypeVar("A", bound=Aggregate)

_batch: ContextVar[ProcessingEvent[UUID] | None] = ContextVar("steiger_batch", default=None)


class BatchAwareRepository(Repository[UUID]):
    """The library's repository, with three changes.

    While a batch of incoming events is processed (inside `process_batch` only), an
    aggregate an earlier event of the batch changed is that same object, not the stored
    version: its new events are not stored until the whole batch is.

    A cached aggregate is handed out as a private copy, as the library does, but made by
    `steiger.shared.copying` rather than `copy.deepcopy` (five times faster).

    Every write leaves its aggregates in the cache (`remember`, by the application), so the
    next command finds them as recorded. Without fast-forwarding (the store's only writer is
    this process), a cached aggregate is therefore current and a read asks the store nothing;
    with it, each read first asks the store for newer events, as the library does."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._remembering = threading.Lock()

    def get(self, aggregate_id: UUID, **kwargs: Any) -> Any:
        batch = _batch.get()
        if batch is not None and kwargs.get("version") is None:
            changed = batch.aggregates.get(aggregate_id)
            if changed is not None:
                return changed
        wants_copy = kwargs.pop("deepcopy_from_cache", True)
        if not self.cache or kwargs.get("version") is not None:
            return super().get(aggregate_id, deepcopy_from_cache=wants_copy, **kwargs)
        if self.fastforward:
            aggregate = super().get(aggregate_id, deepcopy_from_cache=False, **kwargs)
        else:
            aggregate = self._cached(aggregate_id, kwargs.get("projector_func", project_aggregate))
        return private_copy(aggregate) if wants_copy and self.deepcopy_from_cache else aggregate

    def _cached(self, aggregate_id: UUID, projector_func: Any) -> Any:
        assert self.cache is not None
        try:
            return self.cache.get(aggregate_id)
        except KeyError:
            return self.remember(self._reconstruct_aggregate(aggregate_id, None, projector_func))

    def remember(self, aggregate: Any) -> Any:
        """Caches `aggregate` unless the cache holds the same or a newer version of it (a
        reader that replayed it from the store must not put back what a writer has since
        changed); returns the one cached."""
        if not self.cache:
            return aggregate
        with self._remembering:
            try:
                cached = self.cache.get(aggregate.id)
            except KeyError:
                cached = None
            if cached is not None and cached.version >= aggregate.version:
                return cached
            self.cache.put(aggregate.id, aggregate)
            return aggregate

    def catch_up(self, aggregate_ids: Iterable[UUID]) -> None:
        """After a conflict: each cached aggregate gets the events another writer stored
        after its version, read from the store (usually none; the conflict was about one of
        them). Forgetting them instead made every aggregate of a conflicting batch replay
        its whole history: ~20 of them per conflict in notifications (measured)."""
        if not self.cache:
            return
        for aggregate_id in aggregate_ids:
            try:
                cached = self.cache.get(aggregate_id)
            except KeyError:
                continue  # the next read replays it from the store
            newer = list(self.event_store.get(originator_id=aggregate_id, gt=cached.version))
            if newer:  # the cached one stays as it is: readers may be copying it
                self.remember(project_aggregate(private_copy(cached), newer))


class ServiceApplication(EventSourcedProjection[UUID]):
    """Base of every service's application (one per bounded context).

    `reactions` maps an integration-event class to the policy that handles it; events a
    service does not react to are ignored.
    """

    reactions: ClassVar[Reactions] = {}
    translate: ClassVar[Translator | None] = None
    """The service's contracts (its `contracts.to_contract`); None for a service that
    publishes nothing."""
    repository: BatchAwareRepository

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        if env and env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
            _create_postgres_schema(env)
        super().__init__(env)
        self._recorded_listeners: list[Callable[[list[UUID]], None]] = []

    def construct_mapper(self) -> TracingMapper:
        mapper = self.factory.mapper(self.construct_transcoder(), mapper_class=TracingMapper)
        assert isinstance(mapper, TracingMapper)
        return mapper

    def construct_repository(self) -> Repository[UUID]:
        # as the library builds it (same settings), with the batch's changes in view
        maxsize = self.env.get(self.AGGREGATE_CACHE_MAXSIZE)
        return BatchAwareRepository(
            event_store=self.events,
            snapshot_store=self.snapshots,
            cache_maxsize=int(maxsize) if maxsize else None,
            fastforward=strtobool(self.env.get(self.AGGREGATE_CACHE_FASTFORWARD, "y")),
            fastforward_skipping=strtobool(
                self.env.get(self.AGGREGATE_CACHE_FASTFORWARD_SKIPPING, "n")
            ),
            deepcopy_from_cache=strtobool(self.env.get(self.DEEPCOPY_FROM_AGGREGATE_CACHE, "y")),
        )

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
        transcoder.register(TimeAsISO())

    def policy(self, domain_event: Any, processing_event: ProcessingEvent) -> None:
        reaction = self.reactions.get(type(domain_event))
        if reaction is not None:
            reaction(self, domain_event, processing_event)

    def process_batch(self, events: Sequence[tuple[Any, str | None]], tracking: Tracking) -> None:
        """Incoming events of one partition, in order, with the trace each arrived under:
        their effects are recorded in one transaction with the tracking of the last one, one
        commit instead of one per event. A failure records nothing (the consumer then
        processes the events one by one)."""
        processing = ProcessingEvent[UUID](tracking=tracking)
        batch = _batch.set(processing)
        try:
            for event, traceparent in events:
                collected = len(processing.events)
                self.policy(event, processing)
                for made in processing.events[collected:]:
                    object.__setattr__(made, TRACEPARENT_KEY, traceparent)
        finally:
            _batch.reset(batch)
        recordings = self._record(processing)
        self._take_snapshots(processing)
        self.notify(processing.events)
        self._notify(recordings)

    def _record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        """Stores the events (and tracking), then leaves the aggregates written in the cache
        as recorded: they are private copies, held by no one else once the command or batch
        is done. A conflict (another writer got there first) brings the cached ones up to
        the store, so a retry starts from what is stored. (The library's own `_record` puts
        them in the cache whatever it holds by then, which could replace a newer version:
        hence not `super()`.)

        Whatever is stored must be publishable: an event that would not map to a valid
        contract is refused here, before it is stored, rather than found by the relay."""
        for domain_event in processing_event.events:
            self.contract_of(domain_event)
        try:
            recordings = self.events.put(
                processing_event.events,
                tracking=processing_event.tracking,
                **processing_event.saved_kwargs,
            )
        except IntegrityError:
            self.repository.catch_up(processing_event.aggregates)
            raise
        for aggregate in processing_event.aggregates.values():
            self.repository.remember(aggregate)
        return recordings

    def contract_of(self, domain_event: Any) -> IntegrationEvent | None:
        """The public contract of a domain event, None for one that stays inside the service;
        raises `Unpublishable` when the event does not map to a valid contract."""
        if self.translate is None:
            return None
        try:
            return self.translate(domain_event)
        except Exception as error:
            raise Unpublishable(domain_event, error) from error

    def find(self, aggregate_id: UUID, kind: type[A]) -> A | None:
        """The aggregate with that id if it is a `kind`, else None."""
        try:
            found = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, kind) else None

    def require(self, aggregate_id: UUID, kind: type[A], missing: Exception) -> A:
        """The aggregate with that id if it is a `kind`; else `missing` is raised (a domain
        error, answered 404 at the edge)."""
        found = self.find(aggregate_id, kind)
        if found is None:
            raise missing
        return found

    def participant_state(self, participant_id: UUID) -> ParticipantState:
        """Whether this service learned of the participant's registration, or erasure, from
        the participant service's events (see `steiger.shared.participants`)."""
        raise NotImplementedError(f"{type(self).__name__} does not follow registrations")

    def reacts_to(self, event_class: type) -> bool:
        return event_class in self.reactions

    def originators_of(self, event_class: type) -> list[UUID]:
        """Every aggregate that recorded an event of `event_class`, in log order, once each.
        A scan of the whole log: for rare work (a start-up index, a daily pass)."""
        topic_suffix = f":{event_class.__qualname__}"  # topics are "module:qualname"
        found: dict[UUID, None] = {}
        start = 1
        while notifications := self.recorder.select_notifications(start=start, limit=1000):
            for n in notifications:
                if n.topic.endswith(topic_suffix):
                    found.setdefault(cast(UUID, n.originator_id), None)
            start = notifications[-1].id + 1
        return list(found)

    def on_recorded(self, listener: Callable[[list[UUID]], None]) -> None:
        """Call `listener` with the ids of the aggregates written, after every successful
        write (the relay wakes up; reporting answers clients waiting for a change)."""
        self._recorded_listeners.append(listener)

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        super()._notify(recordings)
        if recordings:
            written = list({r.domain_event.originator_id: None for r in recordings})
            for listener in self._recorded_listeners:
                listener(written)
