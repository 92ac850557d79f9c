"""What the reporting API answers: a model per response, so its OpenAPI document says it and
a generated client needs no hand edits. (The exchange dataset's model is the published
contract itself, in `exchange`.)

The progress view is built from facts as they arrived, so a fact whose beginning has not
arrived yet (a goal closed before reporting heard it was set) leaves fields empty."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class Profile(BaseModel):
    """Empty until the registration has arrived."""

    programme: str | None = None
    cohort: str | None = None
    municipality: str | None = None
    neighbourhood: str | None = None
    target_group: str | None = None
    registered_at: dt.datetime | None = None


class StatusOut(BaseModel):
    status: Literal["active", "paused", "exited"]
    exit_reason: str | None
    since: dt.date | None


class ConsentOut(BaseModel):
    purpose: str
    partner: str | None
    categories: list[str] = []
    on: dt.date | None
    granted: bool


class PositionOut(BaseModel):
    step: int
    points: int
    definition: str = Field(examples=["nl-alphen@2017-09-07"])
    assessed_at: dt.datetime
    corrected: bool = False


class ColumnProgress(BaseModel):
    intake: PositionOut
    latest: PositionOut
    change_since_intake: int


class BridgeProgress(BaseModel):
    columns: dict[str, ColumnProgress]
    timeline: dict[str, list[PositionOut]] = Field(description="per column, every position")
    total_points: int
    total_change_since_intake: int


class GoalProgress(BaseModel):
    goal_id: UUID
    horizon: Literal["long", "short"] | None = None
    column: str | None = None
    target_step: int | None = None
    set_at: dt.datetime | None = None
    status: Literal["active", "achieved", "discontinued"]
    closed_on: dt.date | None


class ActionProgress(BaseModel):
    action_id: UUID
    goal_id: UUID
    due_on: dt.date
    planned_at: dt.datetime | None = None
    status: Literal["planned", "completed", "cancelled", "missed"]
    closed_at: dt.datetime | None = None
    on_time: bool | None
    overdue: bool


class Deadlines(BaseModel):
    met: int
    completed_late: int
    missed: int


class RewardProgress(BaseModel):
    reward_id: UUID
    item_id: str
    amount: Decimal
    currency: str
    earned_at: dt.datetime
    reversed_at: dt.datetime | None


class RewardsProgress(BaseModel):
    earned: list[RewardProgress]
    total: Decimal


class CrisisShare(BaseModel):
    held_on: dt.date
    crisis_share: float


class OutcomeFacts(BaseModel):
    intake: dict[str, bool | str] = Field(description="the Table 4 facts known at intake")
    now: dict[str, bool | str] = Field(description="each fact as last recorded by `as_of`")


class ProgressOut(BaseModel):
    participant_id: UUID
    as_of: dt.date
    profile: Profile
    status: StatusOut
    mentor_id: UUID | None
    consents: list[ConsentOut]
    bridge: BridgeProgress
    goals: list[GoalProgress]
    outcomes: OutcomeFacts
    actions: list[ActionProgress]
    deadlines: Deadlines
    rewards: RewardsProgress
    meetings: list[CrisisShare]


class StepShares(BaseModel):
    intake: float | None
    latest: float | None


class ColumnFigures(BaseModel):
    """Participants per step at intake and now; and, under `at_or_above_step_<step>`, the
    share at or above the asked step then and now."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, StepShares] = Field(init=False)

    intake: dict[int, int] = Field(description="participants per step")
    latest: dict[int, int]


class GoalFigures(BaseModel):
    set: int
    achieved: int
    discontinued: int
    active: int


class GroupFigures(BaseModel):
    participants: int
    median_days_in_programme: int | float | None
    columns: dict[str, ColumnFigures]
    goals: GoalFigures
    deadlines: Deadlines
    rewards_total: Decimal


class Dashboard(BaseModel):
    by: Literal["programme", "cohort", "neighbourhood", "target_group", "municipality"]
    as_of: dt.date
    since: dt.date | None
    step: int
    groups: dict[str, GroupFigures]


class OutcomesPoint(BaseModel):
    reached: int = Field(description="participants who reached this point by `as_of`")
    shares: dict[str, float | None] = Field(
        description="per indicator, the share of whom it holds; null below the minimum cell"
    )
    known: dict[str, int] = Field(description="per indicator, of how many it is known")
    mean_savings: Decimal | None = Field(description="per household; null below the minimum cell")


class OutcomesGroup(BaseModel):
    key: str
    suppressed: bool = Field(description="fewer participants than the minimum cell")
    participants: int | None = None
    points: dict[Literal["intake", "now", "m6", "m12", "m30"], OutcomesPoint] | None = None


class ReferenceShare(BaseModel):
    start: float
    later: float


class Reference(BaseModel):
    source: str
    shares: dict[str, ReferenceShare]
    mean_savings: dict[str, Decimal | str]


class OutcomesTable(BaseModel):
    """Table 4: per group, the outcome indicators at intake, now, and 6, 12 and 30 months."""

    as_of: dt.date
    by: Literal["programme", "cohort", "neighbourhood", "target_group", "municipality"]
    minimum_cell: int
    groups: list[OutcomesGroup]
    reference: Reference = Field(description="EMPath's published figures, for reference")


class CaseloadRow(BaseModel):
    participant_id: UUID
    status: Literal["active", "paused", "exited"]
    programme: str | None
    bridge_change_since_intake: int
    open_actions: int
    overdue_actions: int
    last_assessed: dt.datetime | None
    next_action_due: dt.date | None = Field(
        None, description="the earliest open action not due yet"
    )
    last_meeting: dt.date | None = Field(None, description="the day of the latest meeting held")


class Caseload(BaseModel):
    mentor_id: UUID
    as_of: dt.date
    participants: list[CaseloadRow]


class TeamCaseloadRow(CaseloadRow):
    mentor_id: UUID


class Caseloads(BaseModel):
    as_of: dt.date
    participants: list[TeamCaseloadRow] = Field(description="by participant id")


class Publication(BaseModel):
    period: str
    records: int = Field(description="records published to the exchange topic")
    files: list[str]


class ReplayProgress(BaseModel):
    state: Literal["idle", "reading", "catching-up", "done", "failed"]
    source: Literal["stores", "kafka"] | None
    generation: int | None = Field(description="the store generation the replay builds")
    applied: int = Field(description="events applied so far")
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    events_per_second: float | None
    sources: int
    error: str | None


class ReplayStatus(ReplayProgress):
    current_generation: int = Field(description="the store generation answering now")


class ReportingHeld(BaseModel):
    """GDPR art. 15: what reporting derived about the participant (pseudonymous)."""

    progress: ProgressOut
