"""A participant's progress, as reporting sees it: projected from other services' events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event


class Progress(Aggregate):
    @staticmethod
    def create_id(participant_id: UUID) -> UUID:
        return participant_id

    @event("Started")
    def __init__(self, participant_id: UUID) -> None:
        self.participant_id = participant_id
        self.profile: dict[str, Any] = {}
        self.positions: dict[str, list[dict[str, Any]]] = {}
        self.goals: dict[UUID, dict[str, Any]] = {}
        self.actions: dict[UUID, dict[str, Any]] = {}
        self.rewards: dict[UUID, dict[str, Any]] = {}
        self.consents: dict[str, dict[str, Any]] = {}
        self.status: dict[str, Any] = {"status": "active"}

    @event("ProfileNoted")
    def note_profile(
        self, programme: str, cohort: str, municipality: str, registered_at: dt.datetime
    ) -> None:
        self.profile = {
            "programme": programme,
            "cohort": cohort,
            "municipality": municipality,
            "registered_at": registered_at,
        }

    @event("PositionNoted")
    def note_position(
        self, column: str, step: int, points: int, definition: str, assessed_at: dt.datetime
    ) -> None:
        history = self.positions.setdefault(column, [])
        history.append(
            {"step": step, "points": points, "definition": definition, "assessed_at": assessed_at}
        )
        history.sort(key=lambda p: p["assessed_at"])

    @event("PositionCorrectionNoted")
    def note_position_corrected(
        self, column: str, step: int, points: int, assessed_at: dt.datetime
    ) -> None:
        for entry in self.positions.get(column, []):
            if entry["assessed_at"] == assessed_at:
                entry.update(step=step, points=points, corrected=True)

    @event("GoalNoted")
    def note_goal(
        self, goal_id: UUID, horizon: str, column: str | None, target_step: int | None
    ) -> None:
        self.goals[goal_id] = {
            "goal_id": goal_id,
            "horizon": horizon,
            "column": column,
            "target_step": target_step,
            "status": "active",
        }

    @event("ActionPlannedNoted")
    def note_action_planned(self, action_id: UUID, goal_id: UUID, due_on: dt.date) -> None:
        self.actions.setdefault(
            action_id,
            {"action_id": action_id, "goal_id": goal_id, "due_on": due_on, "status": "planned"},
        )

    @event("ActionCompletedNoted")
    def note_action_completed(
        self,
        action_id: UUID,
        goal_id: UUID,
        due_on: dt.date,
        completed_at: dt.datetime,
        on_time: bool,
    ) -> None:
        self.actions[action_id] = {
            "action_id": action_id,
            "goal_id": goal_id,
            "due_on": due_on,
            "status": "completed",
            "completed_at": completed_at,
            "on_time": on_time,
        }

    @event("GoalClosedNoted")
    def note_goal_closed(self, goal_id: UUID, status: str, on: dt.date) -> None:
        if goal_id in self.goals:
            self.goals[goal_id] = {**self.goals[goal_id], "status": status, "closed_on": on}

    @event("ActionRescheduledNoted")
    def note_action_rescheduled(self, action_id: UUID, due_on: dt.date) -> None:
        if action_id in self.actions:
            self.actions[action_id] = {**self.actions[action_id], "due_on": due_on}

    @event("ActionClosedNoted")
    def note_action_closed(self, action_id: UUID, status: str) -> None:
        if action_id in self.actions and self.actions[action_id]["status"] == "planned":
            self.actions[action_id] = {**self.actions[action_id], "status": status}

    @event("RewardNoted")
    def note_reward(
        self, reward_id: UUID, item_id: str, amount: Decimal, currency: str, earned_at: dt.datetime
    ) -> None:
        self.rewards[reward_id] = {
            "reward_id": reward_id,
            "item_id": item_id,
            "amount": amount,
            "currency": currency,
            "earned_at": earned_at,
        }

    @event("RewardReversalNoted")
    def note_reward_reversed(self, reward_id: UUID) -> None:
        self.rewards.pop(reward_id, None)

    @event("ConsentNoted")
    def note_consent(
        self, purpose: str, partner: str | None, categories: list[str], granted_on: dt.date
    ) -> None:
        self.consents[f"{purpose}:{partner or ''}"] = {
            "purpose": purpose,
            "partner": partner,
            "categories": categories,
            "granted_on": granted_on,
        }

    @event("ConsentWithdrawalNoted")
    def note_consent_withdrawn(self, purpose: str, partner: str | None) -> None:
        self.consents.pop(f"{purpose}:{partner or ''}", None)

    @event("StatusNoted")
    def note_status(self, status: str, exit_reason: str | None, changed_on: dt.date) -> None:
        self.status = {"status": status, "exit_reason": exit_reason, "since": changed_on}

    def has_consent(self, purpose: str, partner: str | None = None) -> bool:
        return f"{purpose}:{partner or ''}" in self.consents

    def view(self, today: dt.date) -> dict[str, Any]:
        columns = {
            column: {
                "intake": history[0],
                "latest": history[-1],
                "change_since_intake": history[-1]["points"] - history[0]["points"],
            }
            for column, history in self.positions.items()
        }
        actions = [
            {**a, "overdue": a["status"] == "planned" and a["due_on"] < today}
            for a in sorted(self.actions.values(), key=lambda a: a["due_on"])
        ]
        return {
            "participant_id": self.participant_id,
            "profile": self.profile,
            "status": self.status,
            "consents": list(self.consents.values()),
            "bridge": {
                "columns": columns,
                "total_points": sum(c["latest"]["points"] for c in columns.values()),
                "total_change_since_intake": sum(
                    c["change_since_intake"] for c in columns.values()
                ),
            },
            "goals": list(self.goals.values()),
            "actions": actions,
            "deadlines": {
                "met": sum(1 for a in actions if a.get("on_time") is True),
                "completed_late": sum(1 for a in actions if a.get("on_time") is False),
                "missed": sum(1 for a in actions if a["overdue"] or a["status"] == "missed"),
            },
            "rewards": {
                "earned": list(self.rewards.values()),
                "total": sum((r["amount"] for r in self.rewards.values()), Decimal("0.00")),
            },
        }
