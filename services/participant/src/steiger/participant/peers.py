"""What the other services hold about a participant, by pseudonymous id (subject access).

Each service answers for its own data at its own public endpoint; a service that cannot be
reached is named in the export rather than silently left out.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any
from uuid import UUID

import httpx

from steiger.shared.concurrency import off_the_loop
from steiger.shared.tokens import ServiceCredentials, TokenUnavailable

PARTICIPANT_DATA = {
    service: "/participants/{id}/subject-access"
    for service in ("bridge", "planning", "rewards", "notifications", "reporting")
}
"""Each service's part of the export (`steiger.shared.access.subject_access_route`)."""


async def gather(
    urls: Mapping[str, str],
    participant_id: UUID,
    credentials: ServiceCredentials,
    on_behalf_of: str,
) -> dict[str, Any]:
    """Asked with the participant service's own token, naming whom it asks for."""
    try:
        headers = await off_the_loop(credentials.headers, on_behalf_of)
    except TokenUnavailable as error:
        return {service: {"unavailable": str(error)} for service in PARTICIPANT_DATA}
    async with httpx.AsyncClient(timeout=10.0, headers=headers) as http:

        async def one(service: str, path: str) -> tuple[str, Any]:
            url = urls[service] + path.format(id=participant_id)
            try:
                response = await http.get(url)
            except httpx.HTTPError as error:
                return service, {"unavailable": f"{type(error).__name__}: {error}"}
            if response.status_code == 404:
                return service, None  # holds nothing about this participant
            if response.status_code != 200:
                return service, {"unavailable": f"HTTP {response.status_code}"}
            return service, response.json()

        answers = await asyncio.gather(*(one(s, p) for s, p in PARTICIPANT_DATA.items()))
    return dict(answers)


async def gather_audit(
    urls: Mapping[str, str],
    participant_id: UUID,
    credentials: ServiceCredentials,
    on_behalf_of: str,
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Every other service's audit trail about the participant's case; and the services
    that could not answer, with why."""
    try:
        headers = await off_the_loop(credentials.headers, on_behalf_of)
    except TokenUnavailable as error:
        return [], {service: str(error) for service in urls}
    entries: list[dict[str, Any]] = []
    unavailable: dict[str, str] = {}
    async with httpx.AsyncClient(timeout=10.0, headers=headers) as http:

        async def one(service: str, url: str) -> None:
            try:
                response = await http.get(
                    f"{url}/audit", params={"participant": str(participant_id)}
                )
            except httpx.HTTPError as error:
                unavailable[service] = type(error).__name__
                return
            if response.status_code != 200:
                unavailable[service] = f"HTTP {response.status_code}"
                return
            entries.extend(response.json())

        await asyncio.gather(*(one(s, u) for s, u in urls.items()))
    return entries, unavailable
