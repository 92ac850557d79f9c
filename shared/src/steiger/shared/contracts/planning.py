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
    definition_id: str | None = Field(None, description="the Bridge the column refers to")
    definition_version: str | None = None
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


class GoalRevised(IntegrationEvent):
    """A goal was revised; which fields changed (their new values stay in planning)."""

    event_type: ClassVar[str] = "nl.steiger.planning.goal-revised.v1"

    goal_id: UUID
    changed: list[str]
    target_step: int | None = None
    revised_on: dt.date


class GoalAchieved(IntegrationEvent):
    """A goal was achieved."""

    event_type: ClassVar[str] = "nl.steiger.planning.goal-achieved.v1"

    goal_id: UUID
    column: str | None
    target_step: int | None = None
    achieved_on: dt.date
    achieved_at: Timestamp | None = None
    """When planning recorded the achievement (older producers: absent). `achieved_on` may
    be an earlier day, entered afterwards."""


class GoalDiscontinued(IntegrationEvent):
    """A goal was discontinued (the reason stays in planning: it is free text)."""

    event_type: ClassVar[str] = "nl.steiger.planning.goal-discontinued.v1"

    goal_id: UUID
    column: str | None
    discontinued_on: dt.date


class ActionRescheduled(IntegrationEvent):
    """An action step got a new due date."""

    event_type: ClassVar[str] = "nl.steiger.planning.action-rescheduled.v1"

    action_id: UUID
    goal_id: UUID
    due_on: dt.date
    previous_due_on: dt.date
    rescheduled_at: Timestamp


class ActionCancelled(IntegrationEvent):
    """An action step was cancelled."""

    event_type: ClassVar[str] = "nl.steiger.planning.action-cancelled.v1"

    action_id: UUID
    goal_id: UUID
    cancelled_at: Timestamp


class ActionMissed(IntegrationEvent):
    """An action's due date passed without completion (detected by planning, once)."""

    event_type: ClassVar[str] = "nl.steiger.planning.action-missed.v1"

    action_id: UUID
    goal_id: UUID
    column: str | None
    due_on: dt.date


class MeetingScheduled(IntegrationEvent):
    """A meeting of participant and mentor was scheduled (drives appointment reminders)."""

    event_type: ClassVar[str] = "nl.steiger.planning.meeting-scheduled.v1"

    meeting_id: UUID
    at: Timestamp
    scheduled_at: Timestamp | None = Field(None, description="when it was put in the agenda")


class MeetingHeld(IntegrationEvent):
    """A meeting was held. Its plain-language summary stays in planning; notifications
    fetch it at send time for the next-day summary."""

    event_type: ClassVar[str] = "nl.steiger.planning.meeting-held.v1"

    meeting_id: UUID
    held_on: dt.date
    duration_minutes: int = Field(ge=0)
    crisis_minutes: int = Field(ge=0)
    goal_minutes: int = Field(ge=0)
