"""Composition root of the reporting service."""

from __future__ import annotations

from steiger.reporting.api import DOMAIN_ERRORS, router
from steiger.reporting.application import ReportingApplication
from steiger.reporting.operations import ReportingOperations
from steiger.reporting.rebuilding.fill import fill, fill_from_kafka
from steiger.reporting.rebuilding.generations import (
    LiveProjections,
    current_generation,
    environment,
)
from steiger.reporting.rebuilding.history import from_stores, newer_than
from steiger.reporting.rebuilding.replay import Replay
from steiger.reporting.settings import Settings
from steiger.shared.contracts.exchange import EXCHANGE_TOPIC
from steiger.shared.service import ServiceParts, periodic, run_service
from steiger.shared.topics import CONSUMES


def parts(settings: Settings | None = None) -> ServiceParts:
    settings = settings or Settings()
    generation = current_generation(settings)
    live = LiveProjections(ReportingApplication(environment(settings, generation)), generation)
    producers = CONSUMES["reporting"]
    signing_key = settings.signing_key()
    credentials = settings.credentials()
    replay = Replay(
        settings,
        live,
        fills={
            "stores": lambda env, progress: fill(
                env,
                from_stores(
                    {p: settings.producer_urls[p] for p in producers},
                    settings.kafka_partitions,
                    signing_key,
                    credentials,
                ),
                progress,
            ),
            "kafka": lambda env, progress: fill_from_kafka(
                env,
                settings.kafka_bootstrap_servers,
                producers,
                settings.kafka_partitions,
                signing_key,
                progress,
            ),
        },
        newer_than=lambda positions: newer_than(
            positions, settings.kafka_bootstrap_servers, producers, signing_key
        ),
    )
    operations = ReportingOperations(settings, live, replay)
    return ServiceParts(
        settings=settings,
        application=live,
        routes=router,
        description="Progress views projected from the other services' events.",
        domain_errors=DOMAIN_ERRORS,
        listens_to=producers,
        own_topics={EXCHANGE_TOPIC: 1},
        state={"operations": operations},
        background=[
            periodic(
                operations.publish_due_exchange,
                settings.exchange_check_seconds,
                "exchange dataset published",
            )
        ],
    )


def main() -> None:
    run_service(parts())
