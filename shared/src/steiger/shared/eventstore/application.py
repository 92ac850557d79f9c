"""`ServiceApplication`, the base of every service's application. It records with a process
recorder, so the effect of an incoming integration event is stored atomically with its
tracking record (the idempotent consumer relies on that), and its notification log is the
outbox the relay publishes from."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, Protocol, TypeVar, cast
from uuid import UUID

import structlog
from eventsourcing.application import AggregateNotFoundError, ProcessingEvent, Repository
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    ProcessRecorder,
    Recording,
    Tracking,
)
from eventsourcing.utils import retry, strtobool
from pydantic import ValidationError

from steiger.shared.access import Case
from steiger.shared.caseloads import CaseAssignment
from steiger.shared.contracts import IntegrationEvent
from steiger.shared.contracts.translation import Translator
from steiger.shared.eventstore.configuration import create_postgres_schema, master_key_of
from steiger.shared.eventstore.mapper import (
    TRACEPARENT_KEY,
    CaseTextFields,
    DateAsISO,
    TimeAsISO,
    TracingMapper,
    owners_being_written,
)
from steiger.shared.eventstore.repository import BatchAwareRepository, current_batch
from steiger.shared.internals import StoreHooks, remember_protocol_members
from steiger.shared.keystore import open_key_store
from steiger.shared.participants import ParticipantState
from steiger.shared.restriction import Restriction
from steiger.shared.sealing import CaseTexts, Vault

log = structlog.get_logger(__name__)

remember_protocol_members()  # the library checks its protocols for every event it touches

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


def in_turn(*reactions: Reaction) -> Reaction:
    """One reaction that runs several, in order, in the same processing (one transaction)."""

    def react(application: Any, event: Any, processing: ProcessingEvent[UUID]) -> None:
        for reaction in reactions:
            reaction(application, event, processing)

    return react


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


A = TypeVar("A", bound=Aggregate)


class Hosted(Protocol):
    """What the service runtime (consumer, dead letters, health) needs of an application: a
    `ServiceApplication`, or something that stands for one (reporting's current store
    generation)."""

    @property
    def translate(self) -> Translator | None: ...

    @property
    def recorder(self) -> ProcessRecorder: ...

    def reacts_to(self, event_class: type) -> bool: ...

    def process_event(self, domain_event: Any, tracking: Tracking) -> None: ...

    def process_batch(
        self, events: Sequence[tuple[Any, str | None]], tracking: Tracking
    ) -> None: ...

    def participant_state(self, participant_id: UUID) -> ParticipantState: ...

    def case_of(self, participant_id: UUID) -> Case | None: ...

    def restricted(self, participant_id: UUID) -> bool: ...

    @property
    def single_writer(self) -> bool: ...

    def follow_store(self) -> int: ...

    def close(self) -> None: ...


class ServiceApplication(StoreHooks):
    """Base of every service's application (one per bounded context).

    `reactions` maps an integration-event class to the policy that handles it; events a
    service does not react to are ignored.
    """

    reactions: ClassVar[Reactions] = {}
    translate: ClassVar[Translator | None] = None
    """The service's contracts (its `contracts.to_contract`); None for a service that
    publishes nothing."""
    case_texts: ClassVar[Mapping[type, CaseTextFields]] = {}
    """Which fields of which domain events hold free text about a participant (its domain's
    `CASE_TEXTS`): stored sealed with the participant's key, unreadable once erased."""
    repository: BatchAwareRepository
    sealer: CaseTexts
    append_observer: Callable[[float], None] | None = None
    """Told how long each write took to store (the service's metrics)."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        if env and env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
            create_postgres_schema(env)
        self._forgetting_listeners: list[Callable[[UUID], None]] = []
        self._unrestricted: set[UUID] = set()
        super().__init__(env)
        self._recorded_listeners: list[Callable[[list[UUID]], None]] = []
        self._following = False
        self._written_here: set[int] = set()
        self._written_lock = threading.Lock()
        self._followed = 0 if self.single_writer else self.recorder.max_notification_id() or 0
        """How far `follow_store` has seen the store: from before the views a service builds
        from its log at start, so a write made meanwhile reaches them too."""

    @property
    def single_writer(self) -> bool:
        """Whether this process is its store's only writer (SQLite: the cache needs no
        fast-forwarding), so what it remembers cannot be changed behind its back."""
        return not strtobool(self.env.get(self.AGGREGATE_CACHE_FASTFORWARD, "y"))

    def construct_mapper(self) -> TracingMapper:
        mapper = self.factory.mapper(self.construct_transcoder(), mapper_class=TracingMapper)
        assert isinstance(mapper, TracingMapper)
        master_key = master_key_of(self.env, self.name, needed=bool(self.case_texts))
        vault = Vault(master_key, service=self.name)
        self.sealer = CaseTexts(vault, open_key_store(self.env), single_writer=self.single_writer)
        mapper.case_texts, mapper.sealer = self.case_texts, self.sealer
        return mapper

    def close(self) -> None:
        self.sealer.keys.close()
        super().close()

    def forget(self, participant_id: UUID) -> None:
        """The participant was erased: their key here is destroyed, so every case text this
        service stored about them is unreadable from now on, and no aggregate read while
        the key existed stays in memory."""
        self.sealer.forget(participant_id)
        self.repository.forget_about(participant_id)
        for listener in self._forgetting_listeners:
            listener(participant_id)

    def on_forgetting(self, listener: Callable[[UUID], None]) -> None:
        """Call `listener` with the participant's id when this service forgets an erased
        participant: for copies outside the store (notifications' embedded mail drop)."""
        self._forgetting_listeners.append(listener)

    def erased(self, participant_id: UUID) -> bool:
        """Whether this service heard of the participant's erasure (and destroyed the key)."""
        return self.sealer.erased(participant_id)

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

    def policy(self, domain_event: Any, processing_event: ProcessingEvent[UUID]) -> None:
        reaction = self.reactions.get(type(domain_event))
        if reaction is not None:
            reaction(self, domain_event, processing_event)

    def process_batch(self, events: Sequence[tuple[Any, str | None]], tracking: Tracking) -> None:
        """Incoming events of one partition, in order, with the trace each arrived under:
        their effects are recorded in one transaction with the tracking of the last one, one
        commit instead of one per event. A failure records nothing (the consumer then
        processes the events one by one)."""
        processing = ProcessingEvent[UUID](tracking=tracking)
        batch = current_batch.set(processing)
        try:
            for event, traceparent in events:
                collected = len(processing.events)
                self.policy(event, processing)
                for made in processing.events[collected:]:
                    object.__setattr__(made, TRACEPARENT_KEY, traceparent)
        finally:
            current_batch.reset(batch)
        recordings = self.record(processing)
        self.after_recording(processing, recordings)

    def record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        """Stores the events (and tracking), then leaves the aggregates written in the cache
        as recorded: they are private copies, held by no one else once the command or batch
        is done. A conflict (another writer got there first) brings the cached ones up to
        the store, so a retry starts from what is stored. (The library's own step puts
        them in the cache whatever it holds by then, which could replace a newer version:
        hence not `super()`.)

        Whatever is stored must be publishable: an event that would not map to a valid
        contract is refused here, before it is stored, rather than found by the relay."""
        for domain_event in processing_event.events:
            self.contract_of(domain_event)
        owners = owners_being_written.set(
            {
                aggregate_id: owner
                for aggregate_id, aggregate in processing_event.aggregates.items()
                if isinstance(owner := getattr(aggregate, "participant_id", None), UUID)
            }
        )
        started = time.perf_counter()
        try:
            recordings = self.events.put(
                processing_event.events,
                tracking=processing_event.tracking,
                **processing_event.saved_kwargs,
            )
            if self.append_observer is not None:
                self.append_observer(time.perf_counter() - started)
        except IntegrityError:
            self.repository.catch_up(processing_event.aggregates)
            raise
        finally:
            owners_being_written.reset(owners)
        for aggregate in processing_event.aggregates.values():
            self.repository.remember(aggregate)
        if self._following:
            with self._written_lock:
                self._written_here.update(r.notification.id for r in recordings)
        return recordings

    def follow_store(self, limit: int = 1000) -> int:
        """What other processes of the service wrote to the shared store since the last
        call, in the store's order, given to `recorded(..., here=False)`: the service's
        views in memory (reminders due, open actions, the search index, the latest progress
        views) follow every write, not only this process's. Returns how many stored events
        it read (0: it is up to date)."""
        self._following = True
        notifications = self.recorder.select_notifications(start=self._followed + 1, limit=limit)
        if not notifications:
            return 0
        last = notifications[-1].id
        with self._written_lock:
            here = {n.id for n in notifications} & self._written_here
            self._written_here = {i for i in self._written_here if i > last}
        mapper = self.mapper
        assert isinstance(mapper, TracingMapper)
        recordings: list[Recording[UUID]] = []
        for notification in notifications:
            if notification.id in here:
                continue
            try:
                domain_event, _ = mapper.decode(notification)
            except Exception:  # the relay parks it; nothing in memory can follow it
                log.exception("a stored event cannot be read", notification_id=notification.id)
                continue
            recordings.append(Recording(domain_event, notification))
        self._followed = last
        if recordings:
            self.recorded(recordings, here=False)
        return len(notifications)

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

    def case_of(self, participant_id: UUID) -> Case | None:
        """Who is responsible for the participant's case, as the participant service's
        MentorAssigned events said (see `steiger.shared.caseloads`); None if none did."""
        found = self.find(CaseAssignment.create_id(participant_id), CaseAssignment)
        return Case(found.mentor_id, found.team) if found else None

    def restricted(self, participant_id: UUID) -> bool:
        """Whether the participant's file is frozen (GDPR art. 18), as the participant
        service's events said (see `steiger.shared.restriction`). A single writer remembers
        whom it found unrestricted, until it records a restriction."""
        if participant_id in self._unrestricted:
            return False
        found = self.find(Restriction.create_id(participant_id), Restriction)
        if found is not None and found.restricted:
            return True
        if self.single_writer:
            self._unrestricted.add(participant_id)
        return False

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

    def recorded(self, recordings: list[Recording[UUID]], here: bool = True) -> None:
        if any(isinstance(r.domain_event, Restriction.Imposed) for r in recordings):
            self._unrestricted.clear()
        if recordings:
            written = list({r.domain_event.originator_id: None for r in recordings})
            for listener in self._recorded_listeners:
                listener(written)
