"""The intake of a new participant: every field the participant service keeps; what it
refuses is said beside the field, with what was typed kept."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from steiger.web.backends import ServiceError, backends_of
from steiger.web.guard import Form, SignedIn
from steiger.web.rendering import render, see_page
from steiger.web.sessions import Session

router = APIRouter()
HOUSEHOLD = ("adults", "preschool_children", "school_age_children")
ADDRESS = ("street", "house_number", "postcode", "city")
INTAKE_FIELDS = (
    "name", "birth_year", "bsn", "email", "phone", *ADDRESS, "municipality", "neighbourhood",
    "programme", "target_group", "external_id", "language", *HOUSEHOLD,
)  # fmt: skip


@router.get("/participants/new", response_class=HTMLResponse, name="intake")
async def intake(request: Request, session: SignedIn) -> HTMLResponse:
    return render(request, "intake.html", values={"language": "nl", "adults": "1"}, errors={})


@router.post("/participants", response_class=HTMLResponse)
async def register(request: Request, session: SignedIn, form: Form) -> Response:
    values = {name: form.get(name, "").strip() for name in INTAKE_FIELDS}
    body, errors = _registration(values, session)
    existing = None
    if not errors:
        try:
            registered = await backends_of(request).post(
                "participant", "/participants", session.access_token, body
            )
        except ServiceError as error:
            if error.status not in (409, 422):
                raise
            errors = {_intake_field(name): message for name, message in error.fields.items()}
            existing = error.problem.get("existing_participant_id")
            if error.status == 409 and not errors:
                errors = {"name": error.detail or error.title}
        else:
            return see_page(f"/participants/{registered['participant_id']}")
    return render(
        request, "intake.html", status_code=422, values=values, errors=errors, existing=existing
    )


def _registration(
    values: dict[str, str], session: Session
) -> tuple[dict[str, Any], dict[str, str]]:
    """The participant service's registration body from the form, and what is wrong before
    asking it (a number that is not one)."""
    errors: dict[str, str] = {}
    numbers: dict[str, int] = {}
    for name in ("birth_year", *HOUSEHOLD):
        text = values[name] or ("0" if name in HOUSEHOLD[1:] else "")
        try:
            numbers[name] = int(text)
        except ValueError:
            errors[name] = (
                "vul een heel getal in" if session.language == "nl" else "enter a whole number"
            )
    optional = ("bsn", "email", "phone", "neighbourhood", "target_group", "external_id")
    body: dict[str, Any] = {
        "name": values["name"],
        "birth_year": numbers.get("birth_year"),
        "municipality": values["municipality"],
        "programme": values["programme"],
        "language": values["language"] or "nl",
        "household": {name: numbers.get(name) for name in HOUSEHOLD},
        **{name: values[name] for name in optional if values[name]},
    }
    if any(values[name] for name in ADDRESS):  # all four, or the service says which is missing
        body["address"] = {name: values[name] for name in ADDRESS}
    return body, errors


def _intake_field(name: str) -> str:
    """The form's field for a service's field name (`household.adults` is `adults`,
    `address.postcode` is `postcode`)."""
    return name.removeprefix("household.").removeprefix("address.").split(".")[0]
