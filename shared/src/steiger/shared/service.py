"""The composition every service shares: one process with its API, store, relay and consumer.

A service's `main.py` names its parts (settings, application, routes, contract translator,
the producers it listens to); this module wires them the same way for all six.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo

import structlog
import uvicorn
from fastapi import APIRouter, FastAPI, Response
from fastapi.responses import JSONResponse
from faststream.kafka import KafkaBroker
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, Field

from steiger.shared import clock, tracing
from steiger.shared.access import Door, ParticipantOf, public
from steiger.shared.audit import AuditMiddleware, AuditTrail, audit_router, open_audit_store
from steiger.shared.concurrency import off_the_loop, one_at_a_time
from steiger.shared.consumer import IdempotentConsumer, subscriber_router
from steiger.shared.dead_letters import DeadLetters, NotParked, StillFailing, dead_letter_router
from steiger.shared.eventstore import (
    Hosted,
    ServiceApplication,
    StoreFollower,
    store_environment,
)
from steiger.shared.http import TraceContextMiddleware, install_problem_handlers
from steiger.shared.kafka import (
    PRODUCER_OPTIONS,
    TopicKeeper,
    connection,
    faststream_security,
    use_connection,
)
from steiger.shared.leadership import Leader, leadership_of
from steiger.shared.logging import configure_logging
from steiger.shared.memory import give_back_continually
from steiger.shared.metrics import MetricsMiddleware, ServiceMetrics
from steiger.shared.openapi import TEXT, DocumentedAPI
from steiger.shared.outbox import outbox_router
from steiger.shared.relay import OutboxRelay
from steiger.shared.settings import ServiceSettings
from steiger.shared.tokens import IssuerKeys, TokenVerifier
from steiger.shared.topics import dead_letter_topic, events_topic

log = structlog.get_logger(__name__)


@dataclass
class ServiceParts:
    settings: ServiceSettings
    application: Hosted
    routes: APIRouter
    description: str
    domain_errors: Mapping[type[Exception], int] = field(default_factory=dict)
    listens_to: Sequence[str] = ()
    """The producing services whose events this service reacts to."""
    background: Sequence[Callable[[], Coroutine[Any, Any, None]]] = ()
    """Long-running work of the service itself (e.g. planning's missed-action detector),
    started with the service and cancelled when it stops."""
    own_topics: Mapping[str, int] = field(default_factory=dict)
    """Topics beyond events and dead letters the service writes to, with their partition
    counts (reporting's exchange feed)."""
    state: Mapping[str, Any] = field(default_factory=dict)
    """More for the API's dependencies to find on `app.state` (reporting's operations)."""
    audit_routes: APIRouter | None = None
    """How the service answers `GET /audit` (the participant service merges every
    service's); by default, its own trail."""
    participant_of: Mapping[str, ParticipantOf] = field(default_factory=dict)
    """Whose case a path names when it names something else than the participant (a goal,
    a meeting): by path parameter, for the access decision."""
    metrics: ServiceMetrics | None = None
    """The service's series, when it counts something of its own (notifications' sends);
    made by `build_api` otherwise."""
    scraped: Sequence[Callable[[], None]] = ()
    """Brings the service's own gauges up to date when Prometheus asks (`/metrics`)."""


def periodic(
    work: Callable[[], int], interval: float, what: str
) -> Callable[[], Coroutine[Any, Any, None]]:
    """A background loop for `ServiceParts.background`: every `interval` seconds it runs
    `work()` (sync, on its own worker thread) and logs how many things it did. `work` must be
    safe to repeat: a failure is logged and the next round tries again."""
    thread = one_at_a_time()
    log = structlog.get_logger(what)

    async def run() -> None:
        while True:
            try:
                done = await off_the_loop(work, limiter=thread)
            except Exception:
                log.exception(f"{what} failed; trying again next round")
            else:
                if done:
                    log.info(what, count=done)
            await asyncio.sleep(interval)

    return run


def daily_work(
    work: Callable[[dt.date], int], interval: float, zone: ZoneInfo, what: str
) -> Callable[[], Coroutine[Any, Any, None]]:
    """`periodic` for work about a day: `work(today)`, today in `zone`."""
    return periodic(lambda: work(dt.datetime.now(zone).date()), interval, what)


def build_broker(settings: ServiceSettings) -> KafkaBroker:
    # faststream logs every message at `log_level`: DEBUG keeps that out of normal logs.
    options = connection()
    return KafkaBroker(
        settings.kafka_bootstrap_servers,
        client_id=f"steiger-{settings.service}",
        log_level=logging.DEBUG,
        security=faststream_security(options),
        sasl_oauth_token_provider=options.get("sasl_oauth_token_provider"),
        **PRODUCER_OPTIONS,
    )


def token_verifier(settings: ServiceSettings) -> TokenVerifier:
    """How the service checks access tokens: against the configured issuer, always."""
    if not settings.oidc_issuer:
        raise ValueError(
            "set STEIGER_OIDC_ISSUER to the OpenID Connect issuer of your access tokens "
            "(`steiger run` starts a development issuer when none is configured)"
        )
    return TokenVerifier(
        IssuerKeys(settings.oidc_issuer),
        audience=settings.oidc_audience,
        roles_claim=settings.oidc_roles_claim,
        teams_claim=settings.oidc_teams_claim,
    )


def build_api(
    parts: ServiceParts,
    lifespan: Any = None,
    operational_errors: Mapping[type[Exception], int] | None = None,
) -> FastAPI:
    """The HTTP surface alone: routes, trace context and problem+json (API tests use this)."""
    clock.configure(parts.settings.zone)
    api = DocumentedAPI(
        title=f"Steiger {parts.settings.service}",
        description=parts.description,
        version="0.1.0",
        lifespan=lifespan,
    )
    api.state.application = parts.application
    for name, value in parts.state.items():
        setattr(api.state, name, value)
    api.state.registration_wait = parts.settings.registration_wait_seconds
    api.state.door = Door(
        token_verifier(parts.settings),
        parts.application,
        parts.participant_of,
        parts.settings.registration_wait_seconds,
    )
    api.state.credentials = parts.settings.credentials()
    api.state.audit = AuditTrail(
        open_audit_store(store_environment(parts.settings)),
        parts.settings.audit_chain_key(),
        parts.settings.service,
    )
    metrics = parts.metrics or ServiceMetrics(parts.settings.service)
    api.state.metrics = metrics
    if isinstance(parts.application, ServiceApplication):
        parts.application.append_observer = metrics.append_seconds.observe
    api.add_middleware(TraceContextMiddleware)
    api.add_middleware(AuditMiddleware)  # what the others answer is recorded
    api.add_middleware(MetricsMiddleware, metrics=lambda: api.state.metrics)  # outermost
    install_problem_handlers(api, {**parts.domain_errors, **(operational_errors or {})})
    api.include_router(parts.routes)
    api.include_router(parts.audit_routes or audit_router())
    return api


def build_service(parts: ServiceParts) -> FastAPI:
    """The API plus its broker, relay and consumer, started and stopped with the app."""
    settings, application = parts.settings, parts.application
    use_connection(settings.kafka_connection())
    signing_key = settings.signing_key()
    broker = build_broker(settings)
    publishing = application if isinstance(application, ServiceApplication) else None
    relay = (
        OutboxRelay(
            publishing,
            topic=events_topic(settings.service),
            dead_letter_topic=dead_letter_topic(settings.service),
            source=settings.source,
            signing_key=signing_key,
            bootstrap_servers=settings.kafka_bootstrap_servers,
            partitions=settings.kafka_partitions,
        )
        if publishing and publishing.translate
        else None
    )
    keeper = TopicKeeper(settings.kafka_bootstrap_servers, service_topics(parts))
    consumed = [events_topic(producer) for producer in parts.listens_to]
    consumer = None
    if consumed:
        consumer = IdempotentConsumer(
            application,
            broker,
            consumer_name=settings.service,
            signing_key=signing_key,
            sources={events_topic(p): settings.source_of(p) for p in parts.listens_to},
            topics=keeper,
        )
        broker.include_router(subscriber_router(consumer, consumed))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        tracing.export_traces(settings.service)
        await keeper.ensure()
        await broker.connect()
        # The consumer joins its group in the background: after a crash the group waits for
        # the old member's session to time out (10-20 s), and the API need not wait with it.
        subscribing = asyncio.create_task(_subscribe(broker))
        api.state.subscribing = subscribing
        tasks = [
            subscribing,
            asyncio.create_task(keeper.keep()),
            asyncio.create_task(leader.run()),
            asyncio.create_task(give_back_continually()),
            *([asyncio.create_task(follower.run())] if follower else []),
        ]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await broker.stop()
            application.close()
            api.state.audit.close()
            tracing.stop_exporting()

    # One process of the service publishes and runs the scheduled work; every process
    # answers commands and shares the incoming partitions (`steiger.shared.leadership`).
    leader = Leader(
        leadership_of(store_environment(settings)),
        [*([relay.run] if relay else []), *parts.background],
    )
    # Beside other processes on a shared store, what it keeps in memory follows their writes.
    follower = None if application.single_writer else StoreFollower(application)
    api = build_api(parts, lifespan, {NotParked: 404, StillFailing: 409})
    api.state.broker = broker
    api.state.relay = relay
    api.state.leader = leader
    if publishing and publishing.translate:
        api.include_router(outbox_router(publishing, settings.source, signing_key))
    dead_letters = DeadLetters(
        settings.kafka_bootstrap_servers,
        dead_letter_topic(settings.service),
        f"steiger-{settings.service}",
        consumer,
        relay,
    )
    api.include_router(dead_letter_router(dead_letters))

    async def readiness() -> tuple[dict[str, Any], bool]:
        checks: dict[str, Any] = {}
        if settings.development_issuer:
            checks["warning"] = DEVELOPMENT_ISSUER_WARNING
        try:
            checks["store"] = await off_the_loop(_store_position, application)
        except Exception as error:
            checks["store"] = f"unavailable: {type(error).__name__}"
        checks["broker"] = "ok" if await broker.ping(timeout=2.0) else "unavailable"
        checks["leader"] = leader.leading
        if relay is not None and leader.leading:
            checks["relay"] = {
                "ready": relay.ready,
                "position": relay.position,
                "resumes": relay.resumes,
                "parked": relay.parked,
                "last_parked": asdict(relay.last_parked) if relay.last_parked else None,
                "incident": relay.incident,
            }
        lag: dict[str, Any] = {}
        if consumer is not None:
            subscribing = api.state.subscribing
            lag = await _lag(dead_letters, consumed)
            checks["consumer"] = {
                "joined": subscribing.done()
                and not subscribing.cancelled()
                and subscribing.exception() is None,
                "parked": consumer.parked,
                "last_parked": consumer.last_parked,
                "lag": lag,
            }
        behind = sum(n for partitions in lag.values() if isinstance(partitions, dict)
                     for n in partitions.values())  # fmt: skip
        ready = (
            isinstance(checks["store"], dict)
            and checks["broker"] == "ok"
            and (relay is None or relay.ready or not leader.leading)
            and behind <= settings.ready_max_lag
        )
        return checks, ready

    async def report() -> JSONResponse:
        checks, ready = await readiness()
        return JSONResponse(
            {"service": settings.service, "status": "ready" if ready else "unavailable", **checks},
            status_code=200 if ready else 503,
        )

    for path, summary in (
        ("/health", "Ready when store, broker and relay are, and the consumer keeps up"),
        ("/health/ready", "Readiness (an orchestrator's): the same as /health"),
    ):
        api.add_api_route(
            path,
            report,
            methods=["GET"],
            tags=["operations"],
            summary=summary,
            responses={
                200: {"model": Health},
                503: {"model": Health, "description": "Not ready"},
            },
            dependencies=[public("what orchestrators and load balancers ask; no personal data")],
        )

    @api.get(
        "/health/live",
        tags=["operations"],
        summary="Liveness: the process answers (a broker or store outage does not make it fail)",
        response_model=Liveness,
        dependencies=[public("what an orchestrator asks to restart a stuck process")],
    )
    async def live() -> dict[str, str]:
        return {"service": settings.service, "status": "live"}

    @api.get(
        "/metrics",
        tags=["operations"],
        summary="Prometheus metrics: requests, store, relay, consumer, dead letters",
        response_class=Response,
        responses={200: {"content": {CONTENT_TYPE_LATEST: TEXT}}},
        dependencies=[public("Prometheus scrapes it; counts and timings, no personal data")],
    )
    async def metrics_exposed() -> Response:
        metrics: ServiceMetrics = api.state.metrics
        checks, _ = await readiness()
        if isinstance(checks["store"], dict):
            metrics.store_position.set(checks["store"]["notification_id"])
        metrics.broker_up.set(1 if checks["broker"] == "ok" else 0)
        metrics.leader.set(1 if leader.leading else 0)
        if relay is not None and leader.leading:  # a follower's relay does not run
            metrics.relay_position.set(relay.position or 0)
            metrics.relay_ready.set(1 if relay.ready else 0)
            metrics.dead_lettered.labels("relay").set(relay.parked)
            if isinstance(checks["store"], dict):
                store = checks["store"]["notification_id"]
                metrics.relay_lag.set(max(0, store - (relay.position or 0)))
        elif relay is not None:  # a follower's relay does not run: the leader's says it all
            metrics.relay_ready.set(0)
            metrics.relay_lag.set(0)
        if consumer is not None:
            metrics.dead_lettered.labels("consumer").set(consumer.parked)
            metrics.note_lag(checks["consumer"]["lag"])
        for refresh in parts.scraped:
            await off_the_loop(refresh)
        exposition = await off_the_loop(generate_latest, metrics.registry)
        return Response(exposition, media_type=CONTENT_TYPE_LATEST)

    return api


class RelayHealth(BaseModel):
    ready: bool
    position: int | None = Field(description="the last notification id published")
    resumes: int = Field(description="times it resumed after losing the broker")
    parked: int = Field(description="events it could not publish, parked on the dead-letter topic")
    last_parked: dict[str, Any] | None
    incident: str | None = Field(
        description="why it stopped, when it did (a store behind its topic)"
    )


class ConsumerHealth(BaseModel):
    joined: bool = Field(description="whether it has joined its consumer group")
    parked: int = Field(description="records parked on the dead-letter topic")
    last_parked: dict[str, Any] | None
    lag: dict[str, dict[int, int] | str] = Field(
        description="per topic and partition, records not yet processed; `unavailable` and why"
    )


DEVELOPMENT_ISSUER_WARNING = (
    "signed in through the development issuer of `steiger run`: for the embedded defaults "
    "only, never for real people's data"
)


class Liveness(BaseModel):
    service: str
    status: Literal["live"]


class Health(BaseModel):
    service: str
    status: Literal["ready", "unavailable"]
    warning: str | None = Field(None, description="what an operator must not overlook")
    store: dict[str, int] | str = Field(description="its position, or why it is unavailable")
    broker: Literal["ok", "unavailable"]
    leader: bool = Field(
        description="whether this process leads (publishes the outbox, runs scheduled work)"
    )
    relay: RelayHealth | None = Field(None, description="the relay's state, on the leader")
    consumer: ConsumerHealth | None = None


def service_topics(parts: ServiceParts) -> dict[str, int]:
    """Every topic the service reads or writes, with its partition count: its own events,
    the events it listens to, its dead letters, and any of its own."""
    settings = parts.settings
    names = [events_topic(producer) for producer in parts.listens_to]
    names.append(dead_letter_topic(settings.service))
    if parts.application.translate:
        names.append(events_topic(settings.service))
    return {**dict.fromkeys(names, settings.kafka_partitions), **parts.own_topics}


async def _subscribe(broker: KafkaBroker, retry_seconds: float = 2.0) -> None:
    """Starts the consumer, and again until it starts: the service keeps answering its API
    meanwhile, and `/health` shows the consumer has not joined."""
    while True:
        try:
            await broker.start()
            return
        except Exception:
            log.exception("the consumer could not start; trying again")
            await asyncio.sleep(retry_seconds)


async def _lag(dead_letters: DeadLetters, topics: list[str]) -> dict[str, Any]:
    try:
        return await asyncio.wait_for(dead_letters.lag(topics), timeout=2.0)
    except Exception as error:  # the broker is away: health says so under "broker"
        return {"unavailable": type(error).__name__}


def _store_position(application: Hosted) -> dict[str, int]:
    return {"notification_id": application.recorder.max_notification_id() or 0}


def run_service(parts: ServiceParts) -> None:
    configure_logging(parts.settings.service, parts.settings.log_level)
    uvicorn.run(
        build_service(parts),
        host=parts.settings.host,
        port=parts.settings.port,
        log_config=None,
        timeout_graceful_shutdown=5,
    )
