"""What the API and the bulk import accept: one definition, so both refuse the same way."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, EmailStr, Field, field_validator, model_validator

from steiger.participant.domain.personal_data import Address, PersonalData
from steiger.shared import clock
from steiger.shared.contracts.participant import Household
from steiger.shared.dates import EffectiveDay, PastDay
from steiger.shared.http import Strict


class AddressIn(Strict):
    street: str = Field(min_length=1, max_length=200)
    house_number: str = Field(min_length=1, max_length=20)
    postcode: str = Field(pattern=r"^[1-9][0-9]{3} ?[A-Z]{2}$", examples=["2405 BH"])
    city: str = Field(min_length=1, max_length=100)


def _not_after_this_year(year: int) -> int:
    """Against the organisation's calendar when the request comes, not when the service
    started: a service running over New Year accepts the new year's births."""
    this_year = clock.today().year
    if year > this_year:
        raise ValueError(f"is after this year ({this_year})")
    return year


BirthYear = Annotated[
    int, Field(ge=1900, description="not after this year"), AfterValidator(_not_after_this_year)
]
Phone = Annotated[str, Field(pattern=r"^\+?[0-9 ()-]{6,20}$")]


class RegistrationIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    birth_year: BirthYear
    phone: Phone | None = None
    email: EmailStr | None = None
    address: AddressIn | None = None
    bsn: str | None = Field(None, description="checked with the eleven-test; shown back masked")
    language: Literal["nl", "en"] = "nl"
    municipality: str = Field(min_length=1, max_length=100)
    neighbourhood: str | None = Field(None, max_length=100, description="wijk")
    programme: str = Field(min_length=1, max_length=64, examples=["debt-help"])
    target_group: str | None = Field(None, max_length=64)
    household: Household
    registered_on: PastDay = Field(default_factory=clock.today)
    external_id: str | None = Field(None, min_length=1, max_length=64)

    def personal_data(self) -> PersonalData:
        return PersonalData(
            name=self.name,
            birth_year=self.birth_year,
            phone=self.phone,
            email=self.email,
            address=Address(**self.address.model_dump()) if self.address else None,
            bsn=self.bsn,
            external_id=self.external_id,
        )

    def intake(self) -> dict[str, Any]:
        """What is not personal data: the keyword arguments of the registration."""
        return {
            "programme": self.programme,
            "municipality": self.municipality,
            "neighbourhood": self.neighbourhood,
            "target_group": self.target_group,
            "language": self.language,
            "household": self.household.model_dump(),
            "registered_on": self.registered_on,
        }


class RectificationIn(Strict):
    """GDPR art. 16: the fields given replace what is recorded (null clears an optional one);
    the fields left out stay. Checked as at intake (a BSN with the eleven-test)."""

    name: str | None = Field(None, min_length=1, max_length=200)
    birth_year: BirthYear | None = None
    phone: Phone | None = None
    email: EmailStr | None = None
    address: AddressIn | None = None
    bsn: str | None = None
    external_id: str | None = Field(None, min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=500, description="why it is corrected")
    on: EffectiveDay = Field(default_factory=clock.today, description="default: today")

    @field_validator("name", "birth_year", mode="before")
    @classmethod
    def _not_cleared(cls, value: Any) -> Any:
        if value is None:  # given as null: everyone has a name and a birth year
            raise ValueError("cannot be cleared, only corrected")
        return value

    @model_validator(mode="after")
    def _something_to_correct(self) -> RectificationIn:
        if not self.model_fields_set - {"reason", "on"}:
            raise ValueError("name at least one field to correct")
        return self

    def changes(self) -> dict[str, Any]:
        """The personal-data fields given, as PersonalData keeps them."""
        given = self.model_dump(include=self.model_fields_set - {"reason", "on"})
        if "email" in given and given["email"] is not None:
            given["email"] = str(given["email"])
        return given


class HouseholdChangeIn(Strict):
    household: Household
    change: Literal["birth", "moved-in", "moved-out", "other"]
    on: EffectiveDay = Field(default_factory=clock.today, description="default: today")
