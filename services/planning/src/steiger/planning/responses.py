"""What the planning API answers: a model per response, so its OpenAPI document says it and a
generated client needs no hand edits."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from steiger.shared.openapi import Created

TimingFlag = Literal["difficult-conversation-not-in-the-morning", "against-preferred-time-of-day"]


class DefinitionReference(BaseModel):
    id: str | None
    version: str | None


class Smart(BaseModel):
    """The goal made SMART: specific, measurable, why, realistic and by when."""

    specific: str | None
    measure: str | None
    why: str | None
    realistic_because: str | None
    by_when: dt.date | None


class Discontinuation(BaseModel):
    reason: str
    conversation: str


class Revision(BaseModel):
    changes: dict[str, Any] = Field(description="the goal's fields as they became")
    why: str
    on: dt.date


class Reflection(BaseModel):
    what_worked: str
    what_did_not: str
    lessons: str
    ready_for_higher_goals: bool


class ActionOut(BaseModel):
    action_id: UUID
    description: str
    owner: str
    partner: str | None
    due_on: dt.date
    reward_item: str | None
    status: Literal["planned", "completed", "cancelled", "missed"]
    completed_at: dt.datetime | None
    completed_by: str | None
    reschedules: int


class GoalOut(BaseModel):
    goal_id: UUID
    participant_id: UUID
    title: str
    horizon: Literal["long", "short"]
    column: str | None = Field(description="the Bridge column; null for a cross-pillar goal")
    target_step: int | None
    parent_goal_id: UUID | None
    definition: DefinitionReference
    smart: Smart
    supports: list[str]
    challenges: list[str]
    plan_b: str | None
    status: Literal["active", "achieved", "discontinued"]
    closed_on: dt.date | None
    discontinued: Discontinuation | None
    revisions: list[Revision]
    reflections: list[Reflection]
    actions: list[ActionOut]


class MeetingRecord(BaseModel):
    held_on: dt.date
    duration_minutes: int
    crisis_minutes: int
    goal_minutes: int
    topics: list[str]
    summary: str
    goal_ids: list[UUID]
    action_ids: list[UUID]
    risks: list[str]


class MeetingOut(BaseModel):
    meeting_id: UUID
    participant_id: UUID
    at: dt.datetime
    place: str | None
    difficult: bool = Field(description="a hard conversation, best held in the morning")
    timing_flags: list[TimingFlag] = Field(
        description="what its time goes against; empty: it suits"
    )
    held: MeetingRecord | None = Field(description="null until the meeting is recorded")
    crisis_share: float | None = Field(description="of the minutes spent, the share on crises")


class Deadlines(BaseModel):
    met: int
    completed_late: int
    missed: int
    open: int
    overdue: int


class GoalCounts(BaseModel):
    active: int
    achieved: int
    discontinued: int


class CrisisShare(BaseModel):
    held_on: dt.date
    crisis_share: float | None


class Figures(BaseModel):
    deadlines: Deadlines
    goals: GoalCounts
    crisis_share_by_meeting: list[CrisisShare]


class GroupOut(BaseModel):
    group_id: UUID
    name: str
    kind: Literal["group", "affinity"]
    column: str | None
    members: list[UUID]


class GroupSuggestion(BaseModel):
    column: str
    target_step: int | None
    members: list[UUID]


class GroupMembership(BaseModel):
    group_id: UUID
    name: str
    kind: Literal["group", "affinity"]
    column: str | None
    joined_at: dt.datetime
    left_at: dt.datetime | None


class PlanningHeld(BaseModel):
    """GDPR art. 15: what the planning service holds about the participant."""

    goals: list[GoalOut]
    meetings: list[MeetingOut]
    groups: list[GroupMembership] = Field(description="every group joined, and when left")


class Support(BaseModel):
    """A support a weaker executive function suggests: a conversation aid, not a diagnosis."""

    code: str = Field(examples=["smaller-steps"])
    nl: str
    en: str
    for_function: str = Field(alias="for", examples=["planning"])


class GoalCreated(Created):
    suggested_supports: list[Support] = Field(
        description="from the participant's latest executive-skills profile; none without one"
    )


class MeetingCreated(Created):
    timing_flags: list[TimingFlag] = Field(description="what its time goes against")


class MeetingSlot(BaseModel):
    at: dt.datetime
    part_of_day: Literal["morning", "afternoon", "evening"]
    flags: list[TimingFlag] = Field(description="empty: suits; offered first")


class MeetingSlots(BaseModel):
    preferred_time_of_day: Literal["morning", "afternoon", "evening"] | None = Field(
        description="from the participant's contact preferences; null when not given"
    )
    difficult: bool
    slots: list[MeetingSlot] = Field(description="the best first; working days only")


class ChosenPriority(BaseModel):
    rank: int = Field(description="1 matters most to the participant")
    column: str
    target_step: int
    definition_id: str
    definition_version: str
    goal_ids: list[UUID] = Field(description="goals set from it")
