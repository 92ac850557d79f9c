"""The AsyncAPI 3.0 documents: Steiger's topics (`docs/asyncapi.json`) and what chain partners
receive (`docs/partners-asyncapi.json`). Each event type is a message of its own, with the
CloudEvents attributes it travels with described (the `ce_*` headers of Kafka's binary mode;
the webhook headers and the structured envelope for partners), so that a consumer can generate
a typed client from either. Schemas are the published JSON Schemas, under components."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from steiger.shared.cloudevents import SIGNATURE_HEADER, TRACEPARENT_HEADER
from steiger.shared.contracts import REGISTRY
from steiger.shared.contracts.exchange import EXCHANGE_EVENT_TYPE, EXCHANGE_TOPIC, ExchangeRow
from steiger.shared.contracts.partners import SHAREABLE, Shareable
from steiger.shared.services import SERVICES
from steiger.shared.topics import PRODUCERS, dead_letter_topic, events_topic

VERSION = "2.0.0"
SCHEMAS = "#/components/schemas/"
UUID = {"type": "string", "format": "uuid"}
TIME = {"type": "string", "format": "date-time"}


def _schema(model: type[BaseModel], into: dict[str, Any]) -> dict[str, Any]:
    """The model's JSON Schema, its nested models hoisted into `into` (components)."""
    schema = model.model_json_schema(mode="serialization", ref_template=SCHEMAS + "{model}")
    into.update(schema.pop("$defs", {}))
    schema["description"] = (model.__doc__ or "").strip() or model.__name__
    return schema


def _kafka_headers(event_type: str, source: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time",
                     "ce_subject", "ce_sequence", "content-type", SIGNATURE_HEADER],
        "properties": {
            "ce_specversion": {"const": "1.0"},
            "ce_id": {"type": "string", "description": "unique per event: deduplicate by it"},
            "ce_source": {"type": "string", "description": source},
            "ce_type": {"const": event_type},
            "ce_time": {**TIME, "description": "when the producing service recorded it"},
            "ce_subject": {**UUID, "description": "the participant's pseudonymous id"},
            "ce_sequence": {"type": "string", "pattern": r"^\d{20}$",
                            "description": "the producer's store position, zero-padded"},
            "content-type": {"const": "application/json"},
            TRACEPARENT_HEADER: {"type": "string", "description": "W3C trace context"},
            SIGNATURE_HEADER: {"type": "string",
                               "description": "HMAC-SHA256 of key, value and headers"},
        },
    }  # fmt: skip


def internal_document() -> dict[str, Any]:
    """Steiger's own topics: a channel per topic, a message per event type."""
    schemas: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    source = "urn:nld:oin:<OIN>:systeem:steiger-<service>"
    for producer in PRODUCERS:
        names = []
        for event_type, contract in sorted(REGISTRY.items()):
            if contract.producer != producer:
                continue
            schemas[event_type] = _schema(contract, schemas)
            messages[event_type] = {
                "name": event_type,
                "title": contract.__name__,
                "summary": schemas[event_type]["description"].split("\n")[0],
                "contentType": "application/json",
                "headers": _kafka_headers(event_type, source),
                "payload": {"$ref": SCHEMAS + event_type},
                "bindings": {"kafka": {"key": UUID}},
            }
            names.append(event_type)
        channel = f"{producer}.events"
        channels[channel] = {
            "address": events_topic(producer),
            "title": f"{producer}:events",
            "description": f"Integration events of the {producer} service as CloudEvents 1.0 "
            "in Kafka binary mode (ce_* headers, JSON value); key = the participant's "
            "pseudonymous id; in order per participant",
            "messages": {n: {"$ref": f"#/components/messages/{n}"} for n in names},
        }
        operations[f"{producer}.publish"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel}"},
            "messages": [{"$ref": f"#/channels/{channel}/messages/{n}"} for n in names],
        }
    schemas[EXCHANGE_EVENT_TYPE] = _schema(ExchangeRow, schemas)
    messages[EXCHANGE_EVENT_TYPE] = {
        "name": EXCHANGE_EVENT_TYPE,
        "title": "ExchangeRow",
        "contentType": "application/json",
        "headers": _kafka_headers(EXCHANGE_EVENT_TYPE, source)
        | {"required": ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time"]},
        "payload": {"$ref": SCHEMAS + EXCHANGE_EVENT_TYPE},
        "bindings": {"kafka": {"key": {"type": "string",
                                       "description": "<OIN>:<period>:<programme>"}}},
    }  # fmt: skip
    channels["reporting.exchange"] = {
        "address": EXCHANGE_TOPIC,
        "title": "reporting:exchange",
        "description": "The exchange-network feed: one row per organisation, programme and "
        "period; the latest row per key counts. No participant is in it; a cell of fewer "
        "than five carries no count",
        "messages": {"row": {"$ref": f"#/components/messages/{EXCHANGE_EVENT_TYPE}"}},
    }
    operations["reporting.exchange.publish"] = {
        "action": "send",
        "channel": {"$ref": "#/channels/reporting.exchange"},
        "messages": [{"$ref": "#/channels/reporting.exchange/messages/row"}],
    }
    messages["dead-letter"] = {
        "name": "dead-letter",
        "summary": "A record as it arrived, with why it was parked",
        "headers": {
            "type": "object",
            "properties": {
                "dead-letter-reason": {"type": "string"},
                "dead-letter-consumer": {"type": "string"},
                "dead-letter-topic": {"type": "string"},
                "dead-letter-partition": {"type": "string"},
                "dead-letter-offset": {"type": "string"},
                "dead-letter-stage": {"type": "string", "description": "relay: never published"},
            },
        },
        "payload": {"description": "the record's value, unchanged"},
    }
    for service in SERVICES:
        channels[f"{service}.dead-letter"] = {
            "address": dead_letter_topic(service),
            "title": f"{service}:dead-letter",
            "description": "Records the service's consumer could not process, and stored "
            "events its relay could not publish",
            "messages": {"parked": {"$ref": "#/components/messages/dead-letter"}},
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Steiger integration events",
            "version": VERSION,
            "description": "The topics between Steiger's services, and the exchange-network "
            "feed. Chain partners receive events through webhooks or their feed instead "
            "(partners-asyncapi.json).",
        },
        "defaultContentType": "application/json",
        "servers": {
            "kafka": {
                "host": "kafka:9092",
                "protocol": "kafka",
                "description": "The organisation's Kafka cluster (Strimzi); TLS and SCRAM or "
                "OAUTHBEARER per KafkaUser in production",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }


def partner_event_schema(event_type: str, shareable: Shareable) -> dict[str, Any]:
    """The data of a partner event: the shareable fields as the contract types them, the ids
    as the partner's pseudonyms."""
    source = shareable.contract.model_json_schema(mode="serialization")
    definitions = source.pop("$defs", {})
    properties = {}
    for name in shareable.fields:
        prop = source["properties"][name]
        if "$ref" in prop:
            prop = definitions[prop["$ref"].rsplit("/", 1)[1]]
        properties[name] = prop
    for name in shareable.ids:
        properties[name] = {**UUID, "description": "the partner's pseudonym of the id"}
    required = [n for n in source.get("required", []) if n in properties]
    return {
        "$id": f"urn:steiger:partner-schema:{event_type}",
        "title": shareable.contract.__name__,
        "description": (shareable.contract.__doc__ or "").strip(),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def partner_envelope(event_type: str) -> dict[str, Any]:
    """A partner's CloudEvent, structured mode (NL GOV profile)."""
    return {
        "type": "object",
        "required": ["specversion", "id", "source", "type", "subject", "time",
                     "datacontenttype", "data"],
        "properties": {
            "specversion": {"const": "1.0"},
            "id": {**UUID, "description": "stable per event and partner: deduplicate by it"},
            "source": {"type": "string", "description": "urn:nld:oin:<OIN>:systeem:…"},
            "type": {"const": event_type},
            "subject": {**UUID, "description": "your pseudonym of the participant"},
            "time": {**TIME, "description": "when Steiger recorded the event"},
            "datacontenttype": {"const": "application/json"},
            "programme": {"type": "string"},
            "municipality": {"type": "string"},
            "clientreference": {"type": "string",
                                "description": "your reference, when the consent has one"},
            "data": {"$ref": SCHEMAS + f"data.{event_type}"},
        },
    }  # fmt: skip


WEBHOOK_HEADERS = {
    "type": "object",
    "required": ["content-type", "webhook-id", "webhook-timestamp", "webhook-signature"],
    "properties": {
        "content-type": {"const": "application/cloudevents+json; charset=utf-8"},
        "webhook-id": {"type": "string", "description": "the event's id"},
        "webhook-timestamp": {"type": "string", "description": "Unix seconds of the send"},
        "webhook-signature": {
            "type": "string",
            "description": "Standard Webhooks: v1,<base64 HMAC-SHA256 of id.timestamp.body>, "
            "one per valid secret (two for a week after a rotation), space-separated",
        },
    },
}


def partner_document() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for event_type, shareable in sorted(SHAREABLE.items()):
        schemas[f"data.{event_type}"] = partner_event_schema(event_type, shareable)
        schemas[event_type] = partner_envelope(event_type)
        messages[event_type] = {
            "name": event_type,
            "title": shareable.contract.__name__,
            "summary": (shareable.contract.__doc__ or "").strip().split("\n")[0],
            "contentType": "application/cloudevents+json",
            "headers": WEBHOOK_HEADERS,
            "payload": {"$ref": SCHEMAS + event_type},
        }
    refs = {n: {"$ref": f"#/components/messages/{n}"} for n in messages}
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Steiger for chain partners",
            "version": VERSION,
            "description": "What a chain partner receives about the participants who consented "
            "to share with it, in the categories they consented to: CloudEvents 1.0 (NL GOV "
            "profile) whose subject is the partner's own pseudonym of the participant. "
            "Posted to the subscription's endpoint (structured mode, signed per Standard "
            "Webhooks; a 2xx answer counts as delivered, a 410 ends the subscription, "
            "anything else is retried for three days), and readable from the partner's "
            "feed, GET /partners/{key}/events (the notifications service's OpenAPI).",
        },
        "defaultContentType": "application/cloudevents+json",
        "servers": {
            "partner": {
                "host": "partner.example",
                "protocol": "https",
                "description": "The partner's receiver, as its subscription names it",
            }
        },
        "channels": {
            "webhook": {
                "address": "{endpoint}",
                "title": "The subscription's endpoint",
                "parameters": {"endpoint": {"description": "the subscription's endpoint"}},
                "messages": refs,
            }
        },
        "operations": {
            "deliver": {
                "action": "send",
                "channel": {"$ref": "#/channels/webhook"},
                "bindings": {"http": {"method": "POST"}},
                "messages": [{"$ref": f"#/channels/webhook/messages/{n}"} for n in refs],
            }
        },
        "components": {"schemas": schemas, "messages": messages},
    }
