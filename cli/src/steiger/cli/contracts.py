"""Generates the published contract documents: a JSON Schema per integration event, and the
AsyncAPI document of the topics. A released schema is only overwritten compatibly; a breaking
change needs a new type version (….v2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Union

from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI

from steiger.shared.contracts import REGISTRY
from steiger.shared.contracts.compatibility import incompatibilities, schema_of
from steiger.shared.contracts.exchange import EXCHANGE_EVENT_TYPE, EXCHANGE_TOPIC, ExchangeRow
from steiger.shared.services import SERVICES
from steiger.shared.topics import PRODUCERS, dead_letter_topic, events_topic


class IncompatibleContract(Exception):
    pass


def render(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def exchange_schema() -> dict:
    """The exchange feed's row, published like an integration event's data."""
    schema = ExchangeRow.model_json_schema(mode="serialization")
    schema["$id"] = f"urn:steiger:schema:{EXCHANGE_EVENT_TYPE}"
    schema["description"] = (ExchangeRow.__doc__ or "").strip()
    return schema


def write_schemas(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    schemas = {event_type: schema_of(event_type) for event_type in sorted(REGISTRY)}
    schemas[EXCHANGE_EVENT_TYPE] = exchange_schema()
    for event_type, schema in schemas.items():
        path = out / f"{event_type}.json"
        if path.exists():
            problems = incompatibilities(json.loads(path.read_text()), schema)
            if problems:
                raise IncompatibleContract(
                    f"{event_type}: {'; '.join(problems)} — publish it as a new version instead"
                )
        path.write_text(render(schema))
        written.append(path)
    return written


def asyncapi_document() -> dict:
    broker = KafkaBroker("127.0.0.1:9092")
    for producer in PRODUCERS:
        contracts = tuple(c for c in REGISTRY.values() if c.producer == producer)
        broker.publisher(
            events_topic(producer),
            title=f"{producer}:events",
            schema=Union[contracts] if len(contracts) > 1 else contracts[0],  # noqa: UP007
            description=(
                f"Integration events of the {producer} service as CloudEvents 1.0 in "
                "Kafka binary mode (ce_* headers, JSON value); key = pseudonymous "
                "participant id"
            ),
        )
    broker.publisher(
        EXCHANGE_TOPIC,
        title="reporting:exchange",
        schema=ExchangeRow,
        description=(
            "The exchange-network feed: one row per organisation, programme and period, as "
            f"CloudEvents 1.0 in Kafka binary mode (type {EXCHANGE_EVENT_TYPE}); key "
            "<OIN>:<period>:<programme>, the latest row per key counts. No participant is in "
            "it; a cell of fewer than five carries no count"
        ),
    )
    for service in SERVICES:
        broker.publisher(
            dead_letter_topic(service),
            title=f"{service}:dead-letter",
            description="Records the service's consumer could not process, and stored events "
            "its relay could not publish (dead-letter-stage: relay), with the reason in the "
            "dead-letter-reason header",
        )
    spec = AsyncAPI(
        broker,
        title="Steiger integration events",
        version="1.0.0",
        description="Topics between Steiger's services and chain partners.",
    )
    return json.loads(spec.to_specification().to_json())


def write_asyncapi(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(asyncapi_document()))
