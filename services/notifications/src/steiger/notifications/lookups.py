"""What notifications asks other services at send time, and never stores: the participant's
address (from participant, audited there) and the words of an action, meeting or goal (from
planning). Ports with HTTP adapters; tests replace them with fakes or real local servers.

The adapters use urllib3, not httpx as the channels do: a lookup runs for every message sent,
and httpx spent about twice the CPU on each, a fifth of it building URLs
(docs/benchmarks.md, "Measurements behind the code")."""

from __future__ import annotations

import json
from typing import Any, Protocol
from uuid import UUID

import urllib3

from steiger.notifications.channels import DeliveryError
from steiger.shared.tokens import ServiceCredentials, TokenUnavailable


class Directory(Protocol):
    def address(self, participant_id: UUID, channel: str, purpose: str) -> str | None: ...


class Details(Protocol):
    def goal(self, goal_id: UUID) -> dict[str, Any] | None: ...

    def goals_of(self, participant_id: UUID) -> list[dict[str, Any]]: ...

    def meeting(self, meeting_id: UUID) -> dict[str, Any] | None: ...


class InternalApi:
    """GETs to one of Steiger's own services, from the dispatcher's threads: up to
    `connections` kept alive (one per dispatching thread). Nothing is retried here (a lookup
    is audited at the participant service, and the dispatcher retries a failed send itself)."""

    def __init__(
        self,
        base_url: str,
        timeout: float = 10.0,
        connections: int = 8,
        credentials: ServiceCredentials | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.pool = urllib3.PoolManager(
            maxsize=connections, timeout=urllib3.Timeout(timeout), retries=False
        )
        self.credentials = credentials

    def get(self, path: str, params: dict[str, str] | None = None) -> tuple[int, Any]:
        """The status and the JSON body (None when there is none); urllib3's HTTPError when
        the service could not be reached. Sent with the service's own token."""
        headers = self.credentials.headers() if self.credentials else None
        response = self.pool.request("GET", self.base_url + path, fields=params, headers=headers)
        try:
            return response.status, json.loads(response.data) if response.data else None
        except ValueError:
            return response.status, None


class _Neighbour:
    """A client of another of Steiger's services, asking with notifications' own token."""

    def __init__(
        self,
        base_url: str,
        timeout: float = 10.0,
        connections: int = 8,
        credentials: ServiceCredentials | None = None,
    ) -> None:
        self.api = InternalApi(base_url, timeout, connections, credentials)


class ParticipantDirectory(_Neighbour):
    """The participant service's narrow contact endpoint; every lookup is recorded there."""

    def address(self, participant_id: UUID, channel: str, purpose: str) -> str | None:
        try:
            status, body = self.api.get(
                f"/participants/{participant_id}/contact/{channel}",
                {"purpose": purpose},
            )
        except (urllib3.exceptions.HTTPError, TokenUnavailable) as error:
            raise DeliveryError(
                f"participant service unavailable: {type(error).__name__}"
            ) from error
        if status == 410:
            raise DeliveryError("participant erased", permanent=True)
        if status in (404, 409, 422):
            return None  # unknown, or opted out there since: no address on this channel
        if not 200 <= status < 300 or not isinstance(body, dict):
            raise DeliveryError(f"participant service answered HTTP {status}")
        return body.get("address")


class PlanningDetails(_Neighbour):
    """Planning's public API. When planning cannot be reached, messages fall back to their
    general wording rather than not going out."""

    def _get(self, path: str) -> Any:
        try:
            status, body = self.api.get(path)
        except (urllib3.exceptions.HTTPError, TokenUnavailable):
            return None
        return body if status == 200 else None

    def goal(self, goal_id: UUID) -> dict[str, Any] | None:
        return self._get(f"/goals/{goal_id}")

    def goals_of(self, participant_id: UUID) -> list[dict[str, Any]]:
        return self._get(f"/participants/{participant_id}/goals") or []

    def meeting(self, meeting_id: UUID) -> dict[str, Any] | None:
        return self._get(f"/meetings/{meeting_id}")
