from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from steiger.planning.application import PlanningApplication
from steiger.planning.domain.errors import (
    ActionNotFound,
    ActionNotOpen,
    GoalNotActive,
    GoalNotFound,
)
from steiger.shared.http import current_application

Planning = Annotated[PlanningApplication, Depends(current_application)]
router = APIRouter(tags=["goal-action plans"])

DOMAIN_ERRORS = {GoalNotFound: 404, ActionNotFound: 404, GoalNotActive: 409, ActionNotOpen: 409}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class GoalIn(Strict):
    title: str = Field(
        min_length=1, max_length=500, description="the goal in the participant's words"
    )
    horizon: Literal["long", "short"]
    column: str | None = Field(
        None, max_length=64, description="Bridge column; null = cross-pillar"
    )
    target_step: int | None = Field(None, ge=1, le=10)


class ActionIn(Strict):
    description: str = Field(min_length=1, max_length=500)
    owner: Literal["participant", "mentor", "partner"] = "participant"
    due_on: dt.date
    reward_item: str | None = Field(None, max_length=64)


class CompletionIn(Strict):
    completed_at: AwareDatetime


class Created(BaseModel):
    id: UUID


@router.post("/participants/{participant_id}/goals", status_code=status.HTTP_201_CREATED)
def set_goal(participant_id: UUID, goal: GoalIn, planning: Planning) -> Created:
    return Created(
        id=planning.set_goal(
            participant_id, goal.title, goal.horizon, goal.column, goal.target_step
        )
    )


@router.post("/goals/{goal_id}/actions", status_code=status.HTTP_201_CREATED)
def plan_action(goal_id: UUID, action: ActionIn, planning: Planning) -> Created:
    return Created(
        id=planning.plan_action(
            goal_id, action.description, action.owner, action.due_on, action.reward_item
        )
    )


@router.post(
    "/goals/{goal_id}/actions/{action_id}/completion", status_code=status.HTTP_204_NO_CONTENT
)
def complete_action(
    goal_id: UUID, action_id: UUID, completion: CompletionIn, planning: Planning
) -> None:
    planning.complete_action(goal_id, action_id, completion.completed_at)


@router.get("/participants/{participant_id}/goals")
def goals_of(participant_id: UUID, planning: Planning) -> list[dict]:
    return planning.goals_of(participant_id)


@router.get("/goals/{goal_id}")
def goal(goal_id: UUID, planning: Planning) -> dict:
    return planning.goal(goal_id)
