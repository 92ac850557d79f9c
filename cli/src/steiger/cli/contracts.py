"""Generates the published contract documents: a JSON Schema per integration event and per
event a chain partner can receive, and the AsyncAPI documents of the topics and of the
partners' webhooks (`steiger.cli.asyncapi`). A released schema is only overwritten
compatibly; a breaking change needs a new type version (….v2)."""

from __future__ import annotations

import json
from pathlib import Path

from steiger.cli.asyncapi import internal_document, partner_document, partner_event_schema
from steiger.shared.contracts import REGISTRY
from steiger.shared.contracts.compatibility import incompatibilities, schema_of
from steiger.shared.contracts.exchange import EXCHANGE_EVENT_TYPE, ExchangeRow
from steiger.shared.contracts.partners import SHAREABLE


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
    schemas = {event_type: schema_of(event_type) for event_type in sorted(REGISTRY)}
    schemas[EXCHANGE_EVENT_TYPE] = exchange_schema()
    return _write_compatibly(out, schemas)


def _write_compatibly(out: Path, schemas: dict[str, dict]) -> list[Path]:
    """Writes each schema, unless it would break what was published under its name."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
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


def write_partner_schemas(out: Path) -> list[Path]:
    """The data of each event a chain partner can receive (the partners' contract)."""
    return _write_compatibly(
        out, {t: partner_event_schema(t, s) for t, s in sorted(SHAREABLE.items())}
    )


def write_asyncapi(internal: Path, partners: Path) -> None:
    for path, document in ((internal, internal_document()), (partners, partner_document())):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(document))
