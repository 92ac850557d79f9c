from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from steiger.shared.contracts.base import IntegrationEvent, Timestamp


class GoalSet(IntegrationEvent):
    """A long- or short-term goal was set, on a Bridge column or cross-pillar."""

    event_type: ClassVar[str] = "nl.steiger.planning.goal-set.v1"

    goal_id: UUID
    horizon: Literal["long", "short"]
    column: str | None = Field(description="Bridge column, or null for a cross-pillar goal")
    target_step: int | None = Field(None, ge=1)
    set_at: Timestamp


class ActionPlanned(IntegrationEvent):
    """A small action step under a goal was planned, with owner and due date."""

    event_type: ClassVar[str] = "nl.steiger.planning.action-planned.v1"

    action_id: UUID
    goal_id: UUID
    column: str | None
    owner: Literal["participant", "mentor", "partner"]
    due_on: dt.date
    reward_item: str | None = Field(None, description="id of a rewards-menu item")
    planned_at: Timestamp


class ActionCompleted(IntegrationEvent):
    """An action step was completed; `on_time` says whether by its due date."""

    event_type: ClassVar[str] = "nl.steiger.planning.action-completed.v1"

    action_id: UUID
    goal_id: UUID
    column: str | None
    due_on: dt.date
    completed_at: Timestamp
    on_time: bool
    reward_item: str | None = None
