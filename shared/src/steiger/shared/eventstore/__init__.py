"""Each service's event store: the eventsourcing library on SQLite (embedded) or PostgreSQL.

- `configuration`: where the store is (`store_environment`, `drop_store`);
- `mapper`: how events are stored (with their trace);
- `repository`: how aggregates are read (batch-aware, cached);
- `application`: `ServiceApplication`, the base of every service's application;
- `following`: how a process keeps its memory in step with other processes' writes.

Where these reach into the library's internals, they do it through `steiger.shared.internals`.
"""

from steiger.shared.eventstore.application import (
    Hosted,
    Reaction,
    Reactions,
    ServiceApplication,
    Unpublishable,
    in_turn,
    retry_on_conflict,
)
from steiger.shared.eventstore.configuration import drop_store, environment_of, store_environment
from steiger.shared.eventstore.following import StoreFollower
from steiger.shared.eventstore.mapper import TracingMapper

__all__ = [
    "Hosted",
    "Reaction",
    "Reactions",
    "ServiceApplication",
    "StoreFollower",
    "TracingMapper",
    "Unpublishable",
    "drop_store",
    "environment_of",
    "in_turn",
    "retry_on_conflict",
    "store_environment",
]
