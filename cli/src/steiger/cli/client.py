"""A small HTTP client for the services' public APIs (demo, benchmark and tests share it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import httpx

from steiger.cli.credentials import STAFF, bearer
from steiger.shared.services import SERVICES, urls_of

BRIDGE = {"definition_id": "nl-alphen", "definition_version": "2017-09-07"}
"""The Bridge the demo and the benchmark assess on: the Dutch Bridge of Alphen aan den Rijn."""
BRIDGE_COLUMNS = (
    "housing",
    "family",
    "health",
    "social-network",
    "education",
    "debts",
    "savings",
    "income",
)


class ApiError(Exception):
    pass


class SteigerClient:
    def __init__(
        self, urls: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None
    ) -> None:
        """`urls`: where each service answers; as `make run` configures them by default.
        `headers`: the caller's Authorization; by default the CLI's, with the roles of the
        organisation's staff (`steiger.cli.credentials`)."""
        self.http = httpx.Client(timeout=10.0, headers=dict(headers or bearer(*STAFF)))
        self.base = dict(urls or urls_of(SERVICES))

    def close(self) -> None:
        self.http.close()

    def _post(self, service: str, path: str, body: Mapping[str, Any]) -> Any:
        response = self.http.post(self.base[service] + path, json=body)
        if response.status_code >= 400:
            raise ApiError(f"{service} {path}: {response.status_code} {response.text}")
        return response.json() if response.content else None

    def get(self, service: str, path: str) -> httpx.Response:
        return self.http.get(self.base[service] + path)

    def grant_consent(
        self, participant_id: str, partner: str, categories: list[str], **more: Any
    ) -> None:
        """The participant's consent to share these categories with a chain partner."""
        body = {"purpose": "partner-sharing", "partner": partner, "categories": categories,
                "text_version": "2026-01", **more}  # fmt: skip
        self._post("participant", f"/participants/{participant_id}/consents", body)

    def withdraw_consent(self, participant_id: str, partner: str) -> None:
        path = f"/participants/{participant_id}/consents/partner-sharing"
        response = self.http.delete(self.base["participant"] + path, params={"partner": partner})
        if response.status_code >= 400:
            raise ApiError(f"participant {path}: {response.status_code} {response.text}")

    def register_partner(self, key: str, name: str, oin: str, contact_email: str) -> str:
        """A chain partner whose feed client is `partner-<key>`; returns its signing secret."""
        body = {"key": key, "name": name, "oin": oin, "contact_email": contact_email,
                "client_id": f"partner-{key}"}  # fmt: skip
        return str(self._post("notifications", "/partners", body)["secret"])

    def subscribe(
        self, partner: str, types: list[str], endpoint: str | None = None, **filters: list[str]
    ) -> str:
        body = {"types": types, "endpoint": endpoint, "filters": filters}
        path = f"/partners/{partner}/subscriptions"
        return str(self._post("notifications", path, body)["subscription_id"])

    def register_mentor(self, name: str, team: str, mentor_id: str) -> None:
        """A mentor whose user id at the issuer is `mentor_id` (registered once)."""
        body = {"name": name, "team": team, "mentor_id": mentor_id}
        response = self.http.post(self.base["participant"] + "/mentors", json=body)
        if response.status_code not in (201, 409):
            raise ApiError(f"participant /mentors: {response.status_code} {response.text}")

    def register(self, name: str, household: Mapping[str, int], **extra: Any) -> str:
        body = {
            "name": name,
            "birth_year": 1985,
            "municipality": "Alphen aan den Rijn",
            "programme": "debt-help",
            "household": dict(household),
            **extra,
        }
        return self._post("participant", "/participants", body)["participant_id"]

    def assess(
        self,
        participant_id: str,
        steps: Mapping[str, int],
        assessed_at: dt.datetime,
        outcomes: Mapping[str, Any] | None = None,
    ) -> str:
        """`outcomes`: the facts behind Table 4 as asked (the Bridge derives some itself)."""
        body = {
            **BRIDGE,
            "steps": dict(steps),
            "assessed_at": assessed_at.isoformat(),
            **({"outcomes": dict(outcomes)} if outcomes else {}),
        }
        return self._post("bridge", f"/participants/{participant_id}/assessments", body)[
            "assessment_id"
        ]

    def set_goal(
        self,
        participant_id: str,
        title: str,
        column: str | None,
        target_step: int | None,
        horizon: str = "short",
    ) -> str:
        body = {"title": title, "horizon": horizon, "column": column, "target_step": target_step}
        return self._post("planning", f"/participants/{participant_id}/goals", body)["id"]

    def plan_action(
        self, goal_id: str, description: str, due_on: dt.date, reward_item: str | None = None
    ) -> str:
        body = {
            "description": description,
            "due_on": due_on.isoformat(),
            "reward_item": reward_item,
        }
        return self._post("planning", f"/goals/{goal_id}/actions", body)["id"]

    def complete_action(self, goal_id: str, action_id: str, completed_at: dt.datetime) -> None:
        self._post(
            "planning",
            f"/goals/{goal_id}/actions/{action_id}/completion",
            {"completed_at": completed_at.isoformat()},
        )

    def achieve_goal(self, goal_id: str) -> None:
        self._post("planning", f"/goals/{goal_id}/achievement", {})

    def get_economic_independence(
        self, participant_id: str, body: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """The household's index and gap; None while its intake has not reached bridge."""
        path = f"/participants/{participant_id}/economic-independence"
        response = self.http.post(self.base["bridge"] + path, json=body)
        if response.status_code == 409:
            return None
        if response.status_code >= 400:
            raise ApiError(f"bridge {path}: {response.status_code} {response.text}")
        answer: dict[str, Any] = response.json()
        return answer

    def outcomes_table(self, by: str) -> dict[str, Any]:
        """Reporting's Table 4 per `by` (cohort, programme, municipality …)."""
        response = self.get("reporting", f"/outcomes/{by}")
        if response.status_code >= 400:
            raise ApiError(f"reporting /outcomes/{by}: {response.status_code} {response.text}")
        table: dict[str, Any] = response.json()
        return table

    def progress(self, participant_id: str) -> dict[str, Any] | None:
        response = self.get("reporting", f"/participants/{participant_id}/progress")
        return response.json() if response.status_code == 200 else None
