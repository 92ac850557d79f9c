"""The base of every integration event: what crosses a service boundary.

Contracts are public and versioned: a change that is not backward compatible gets a new
type name (….v2). They never carry personal data: `participant_id` is the pseudonymous id
issued by the participant service, and free text (names, notes) stays in its own service.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, ClassVar
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, PlainSerializer, WithJsonSchema

REGISTRY: dict[str, type[IntegrationEvent]] = {}

Money = Annotated[
    Decimal,
    PlainSerializer(lambda amount: str(amount), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+(\.\d{1,2})?$"}),
]
"""Money is Decimal, and a string on the wire: never a float."""

Timestamp = AwareDatetime
"""Every time is timezone-aware."""


class IntegrationEvent(BaseModel):
    # Tolerant reader: a consumer ignores fields added by a newer (compatible) producer.
    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str]
    producer: ClassVar[str]

    participant_id: UUID
    """Pseudonymous participant id: the CloudEvents subject and the Kafka message key."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        event_type = cls.__dict__.get("event_type")
        if event_type is None:
            return
        if event_type in REGISTRY:
            raise TypeError(f"integration event type {event_type!r} is declared twice")
        cls.producer = event_type.split(".")[2]
        REGISTRY[event_type] = cls
