"""What identifies a person. It is stored only sealed with the participant's own key."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Address:
    street: str
    house_number: str
    postcode: str
    city: str


@dataclass(frozen=True)
class PersonalData:
    name: str
    birth_year: int
    phone: str | None = None
    email: str | None = None
    address: Address | None = None
    bsn: str | None = None
    external_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PersonalData:
        address = data.get("address")
        return cls(**{**data, "address": Address(**address) if address else None})
