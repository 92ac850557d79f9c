from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError

from steiger.planning.domain.errors import GoalNotFound
from steiger.planning.domain.goal import Goal
from steiger.planning.domain.plan import Plan
from steiger.shared.eventstore import ServiceApplication


class PlanningApplication(ServiceApplication):
    name = "planning"

    def set_goal(
        self,
        participant_id: UUID,
        title: str,
        horizon: str,
        column: str | None,
        target_step: int | None,
    ) -> UUID:
        goal = Goal(participant_id, title, horizon, column, target_step)
        plan = self._plan(participant_id) or Plan(participant_id)
        plan.add_goal(goal.id)
        self.save(goal, plan)
        return goal.id

    def goals_of(self, participant_id: UUID) -> list[dict[str, Any]]:
        plan = self._plan(participant_id)
        return [self.goal(goal_id) for goal_id in plan.goal_ids] if plan else []

    def _plan(self, participant_id: UUID) -> Plan | None:
        try:
            plan = self.repository.get(participant_id)
        except AggregateNotFoundError:
            return None
        return plan if isinstance(plan, Plan) else None

    def plan_action(
        self,
        goal_id: UUID,
        description: str,
        owner: str,
        due_on: dt.date,
        reward_item: str | None,
    ) -> UUID:
        goal = self._goal(goal_id)
        action_id = uuid4()
        goal.plan_action(action_id, description, owner, due_on, reward_item)
        self.save(goal)
        return action_id

    def complete_action(self, goal_id: UUID, action_id: UUID, completed_at: dt.datetime) -> None:
        goal = self._goal(goal_id)
        goal.complete_action(action_id, completed_at)
        self.save(goal)

    def goal(self, goal_id: UUID) -> dict[str, Any]:
        goal = self._goal(goal_id)
        return {
            "goal_id": goal.id,
            "participant_id": goal.participant_id,
            "title": goal.title,
            "horizon": goal.horizon,
            "column": goal.column,
            "target_step": goal.target_step,
            "status": goal.status,
            "actions": [
                {
                    "action_id": a.action_id,
                    "description": a.description,
                    "owner": a.owner,
                    "due_on": a.due_on,
                    "reward_item": a.reward_item,
                    "status": a.status,
                    "completed_at": a.completed_at,
                }
                for a in goal.actions.values()
            ],
        }

    def _goal(self, goal_id: UUID) -> Goal:
        try:
            goal = self.repository.get(goal_id)
        except AggregateNotFoundError:
            goal = None
        if not isinstance(goal, Goal):
            raise GoalNotFound(f"no goal {goal_id}")
        return goal
