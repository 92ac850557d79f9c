"""Which call runs where, decided here for every service.

Each service is one process with one event loop (uvicorn's). The store is synchronous
(eventsourcing on SQLite or psycopg), so every store call blocks whoever makes it. The rule:
short work blocks the loop, long work goes to a thread, CPU-bound bulk work to processes.

- A command (load, change, save: one transaction) or a read of one participant: on the
  event loop, as a plain `def` endpoint under `@on_event_loop`.
- A scan of many aggregates, a large document, a bulk import, an export: on anyio's worker
  threads, as a plain `def` endpoint (FastAPI hands it over) or through
  `await off_the_loop(f, ...)` in an `async def` one.
- Incoming events (the consumer) and the relay's reads of the store: on the event loop,
  awaited between requests, a batch per transaction.
- Periodic work (missed actions, anniversaries, reminders, the exchange feed): one worker
  thread per job, one round at a time (`service.periodic`, through `off_the_loop` with
  `one_at_a_time()`).
- Sending messages (notifications): the dispatcher's thread pool; I/O-bound, one send per
  thread, a participant's messages in order.
- A replay (reporting) and the reading of a whole topic for it: a thread of their own
  (`in_own_thread`); the live consumer goes on meanwhile.
- Folding a history from Kafka (the offline rebuild): processes (`spawn`), one per worker;
  CPU-bound decoding.

The loop is blocked about as long as a commit for each command; a hand-over to a thread
costs more than that (docs/benchmarks.md, "Measurements behind the code"). What threads and
the loop share is guarded by a lock where it is defined (the aggregate cache, the search
and due indexes, reporting's generation swap, planning's open-action index).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

import anyio
import anyio.to_thread

P = ParamSpec("P")
T = TypeVar("T")


def on_event_loop(endpoint: Callable[P, T]) -> Callable[P, Awaitable[T]]:
    """Runs a synchronous endpoint on the event loop instead of FastAPI's thread pool.

    For endpoints whose work is short: a command (load an aggregate, change it, save it in one
    store transaction) or a read of one participant's data. The store call blocks the loop
    about as long as its commit, and longer when the store waits for a lock. Endpoints that
    scan many aggregates or render large documents stay plain `def`, on the thread pool, so
    they never hold up the others.
    """

    @functools.wraps(endpoint)
    async def on_the_loop(*args: P.args, **kwargs: P.kwargs) -> T:
        return endpoint(*args, **kwargs)

    return on_the_loop


async def off_the_loop(
    work: Callable[..., T], *args: object, limiter: anyio.CapacityLimiter | None = None
) -> T:
    """`work(*args)` on one of anyio's worker threads, awaited: for long work called from an
    `async def` endpoint or task."""
    return await anyio.to_thread.run_sync(work, *args, limiter=limiter)


def one_at_a_time() -> anyio.CapacityLimiter:
    """A limiter for `off_the_loop` that lets one call of a job run at a time."""
    return anyio.CapacityLimiter(1)


def in_own_thread(name: str, work: Callable[[], object]) -> threading.Thread:
    """Starts `work()` on a daemon thread of its own: for long-running work that must not
    take one of the worker threads requests use (a replay, a topic reader)."""
    thread = threading.Thread(target=work, name=name, daemon=True)
    thread.start()
    return thread
