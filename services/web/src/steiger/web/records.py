"""What is recorded about the participant's file itself, on their page: consents given and
withdrawn, household changes, corrections of personal data (GDPR art. 16) and, for a team
lead, the mentor. Each form goes to the participant service, which decides and audits; the
page comes back at the section, or with the refusal beside it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from steiger.web.backends import backends_of
from steiger.web.casework import number, pass_on, refuse
from steiger.web.guard import Form, FormFields, SignedIn
from steiger.web.participant import CONSENT_PURPOSES, PARTNER_CATEGORIES

router = APIRouter()
HOUSEHOLD_FIELDS = ("adults", "preschool_children", "school_age_children")
CORRECTABLE = ("name", "birth_year", "phone", "email", "external_id")
ADDRESS_FIELDS = ("street", "house_number", "postcode", "city")


@router.post("/participants/{participant_id}/consents")
async def grant_consent(
    request: Request, session: SignedIn, form: Form, participant_id: UUID
) -> Response:
    purpose = form.get("purpose", "")
    sharing = purpose == "partner-sharing"
    body: dict[str, Any] = {
        "purpose": purpose,
        "text_version": form.get("text_version", "").strip(),
    }
    if sharing:
        body |= {
            "partner": form.get("partner") or None,
            "categories": [c for c in PARTNER_CATEGORIES if c in form.getlist("categories")],
            "client_reference": form.get("client_reference", "").strip() or None,
            "share_history": form.get("share_history") == "yes",
        }
    if purpose == "success-story":
        body["show_name"] = form.get("show_name") == "yes"
    path = f"/participants/{participant_id}/consents"
    return await pass_on(request, session, participant_id, "participant", path, body, "consent")


@router.post("/participants/{participant_id}/consents/withdrawal")
async def withdraw_consent(
    request: Request, session: SignedIn, form: Form, participant_id: UUID
) -> Response:
    purpose = form.get("purpose", "")
    if purpose not in CONSENT_PURPOSES:
        return await refuse(request, session, participant_id, "consent", f"{purpose!r}?", 422)
    partner = form.get("partner") or None
    path = f"/participants/{participant_id}/consents/{purpose}"
    params = {"partner": partner} if partner else None
    return await pass_on(
        request, session, participant_id, "participant", path, None, "consent",
        method="DELETE", params=params,
    )  # fmt: skip


@router.post("/participants/{participant_id}/household")
async def change_household(
    request: Request, session: SignedIn, form: Form, participant_id: UUID
) -> Response:
    body = {
        "change": form.get("change", ""),
        "household": {name: number(form.get(name, "")) for name in HOUSEHOLD_FIELDS},
    }
    path = f"/participants/{participant_id}/household"
    return await pass_on(request, session, participant_id, "participant", path, body, "file")


@router.post("/participants/{participant_id}/personal-data")
async def correct_personal_data(
    request: Request, session: SignedIn, form: Form, participant_id: UUID
) -> Response:
    """Only what was changed on the form is corrected; a field emptied is cleared."""
    person = await backends_of(request).get(
        "participant", f"/participants/{participant_id}", session.access_token
    )
    body = corrections(person, form)
    path = f"/participants/{participant_id}/personal-data"
    return await pass_on(
        request, session, participant_id, "participant", path, body, "file", method="PATCH"
    )


def corrections(person: dict[str, Any], form: FormFields) -> dict[str, Any]:
    """The fields the form changes against what is recorded, with the reason. A BSN is
    shown masked, so it is corrected only when one is typed."""
    body: dict[str, Any] = {}
    for name in CORRECTABLE:
        typed = form.get(name, "").strip()
        recorded = "" if person.get(name) is None else str(person[name])
        if typed != recorded:
            body[name] = (number(typed) if name == "birth_year" else typed) or None
    address = {name: form.get(name, "").strip() for name in ADDRESS_FIELDS}
    recorded_address = {
        name: (person.get("address") or {}).get(name, "") for name in ADDRESS_FIELDS
    }
    if address != recorded_address:
        body["address"] = address if any(address.values()) else None
    if bsn := form.get("bsn", "").strip():
        body["bsn"] = bsn
    body["reason"] = form.get("reason", "").strip()
    return body


@router.post("/participants/{participant_id}/mentor")
async def transfer(
    request: Request, session: SignedIn, form: Form, participant_id: UUID
) -> Response:
    body = {"mentor_id": form.get("mentor_id", ""), "reason": form.get("reason", "").strip()}
    path = f"/participants/{participant_id}/mentor"
    return await pass_on(
        request, session, participant_id, "participant", path, body, "file", method="PUT"
    )
