"""Backward compatibility of a contract's JSON Schema: what a released version may not do."""

from __future__ import annotations

import json
from typing import Any

from steiger.shared.contracts.base import REGISTRY


def schema_of(event_type: str) -> dict[str, Any]:
    contract = REGISTRY[event_type]
    schema = contract.model_json_schema(mode="serialization")
    schema["$id"] = f"urn:steiger:schema:{event_type}"
    schema["description"] = (contract.__doc__ or "").strip() or event_type
    return schema


def incompatibilities(released: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """Changes that would break a consumer of `released`: a property removed, a property newly
    required, or a property whose type changed. Adding an optional property is fine."""
    problems = []
    old_props, new_props = released.get("properties", {}), current.get("properties", {})
    for name in old_props.keys() - new_props.keys():
        problems.append(f"property {name!r} removed")
    for name in set(current.get("required", [])) - set(released.get("required", [])):
        problems.append(f"property {name!r} newly required")
    for name in old_props.keys() & new_props.keys():
        if _shape(old_props[name]) != _shape(new_props[name]):
            problems.append(f"property {name!r} changed type")
    return sorted(problems)


def _shape(prop: dict[str, Any]) -> str:
    ignored = {"title", "description", "examples", "default"}
    return json.dumps({k: v for k, v in prop.items() if k not in ignored}, sort_keys=True)
