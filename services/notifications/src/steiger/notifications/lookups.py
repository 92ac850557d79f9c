"""What notifications asks other services at send time, and never stores: the participant's
address (from participant, audited there) and the words of an action, meeting or goal (from
planning). Ports with HTTP adapters; tests replace them with fakes or real local servers."""

from __future__ import annotations

from typing import Any, Protocol
from uuid import UUID

import httpx

from steiger.notifications.channels import DeliveryError


class Directory(Protocol):
    def address(self, participant_id: UUID, channel: str, purpose: str) -> str | None: ...


class Details(Protocol):
    def goal(self, goal_id: UUID) -> dict[str, Any] | None: ...

    def goals_of(self, participant_id: UUID) -> list[dict[str, Any]]: ...

    def meeting(self, meeting_id: UUID) -> dict[str, Any] | None: ...


class ParticipantDirectory:
    """The participant service's narrow contact endpoint; every lookup is recorded there."""

    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=timeout)

    def address(self, participant_id: UUID, channel: str, purpose: str) -> str | None:
        try:
            response = self.http.get(
                f"/participants/{participant_id}/contact/{channel}",
                params={"requested_by": "notifications", "purpose": purpose},
            )
        except httpx.HTTPError as error:
            raise DeliveryError(
                f"participant service unavailable: {type(error).__name__}"
            ) from error
        if response.status_code == 410:
            raise DeliveryError("participant erased", permanent=True)
        if response.status_code in (404, 409, 422):
            return None  # unknown, or opted out there since: no address on this channel
        if not response.is_success:
            raise DeliveryError(f"participant service answered HTTP {response.status_code}")
        return response.json().get("address")


class PlanningDetails:
    """Planning's public API. When planning cannot be reached, messages fall back to their
    general wording rather than not going out."""

    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=timeout)

    def _get(self, path: str) -> Any:
        try:
            response = self.http.get(path)
        except httpx.HTTPError:
            return None
        return response.json() if response.status_code == 200 else None

    def goal(self, goal_id: UUID) -> dict[str, Any] | None:
        return self._get(f"/goals/{goal_id}")

    def goals_of(self, participant_id: UUID) -> list[dict[str, Any]]:
        return self._get(f"/participants/{participant_id}/goals") or []

    def meeting(self, meeting_id: UUID) -> dict[str, Any] | None:
        return self._get(f"/meetings/{meeting_id}")
