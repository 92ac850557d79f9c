from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import HTMLResponse
from pydantic import Field

from steiger.planning.application import DEFAULT_BRIDGE, PlanningApplication
from steiger.planning.domain.errors import (
    ActionNotFound,
    ActionNotOpen,
    GoalNotActive,
    GoalNotFound,
    GroupNotFound,
    InvalidChange,
    MeetingNotFound,
    UnknownReference,
)
from steiger.planning.responses import (
    ChosenPriority,
    Figures,
    GoalCreated,
    GoalOut,
    GroupOut,
    GroupSuggestion,
    MeetingCreated,
    MeetingOut,
    MeetingSlots,
    PlanningHeld,
    Support,
)
from steiger.shared import clock
from steiger.shared.access import (
    CASE_READERS,
    CASEWORK,
    Role,
    admits,
    may_see,
    require_case,
    subject_access_route,
)
from steiger.shared.concurrency import on_event_loop
from steiger.shared.dates import PastDay, PastMoment, PlannedDay, PlannedMoment
from steiger.shared.http import Strict, Today, current_application
from steiger.shared.openapi import BINARY, TEXT, Created
from steiger.shared.participants import KnownParticipant

Planning = Annotated[PlanningApplication, Depends(current_application)]
router = APIRouter(tags=["goal-action plans"])

DOMAIN_ERRORS = {
    GoalNotFound: 404,
    ActionNotFound: 404,
    MeetingNotFound: 404,
    GroupNotFound: 404,
    GoalNotActive: 409,
    ActionNotOpen: 409,
    InvalidChange: 409,
    UnknownReference: 422,
}
Text = Field(None, max_length=2000)


class GoalIn(Strict):
    title: str = Field(
        min_length=1, max_length=500, description="the goal in the participant's words"
    )
    horizon: Literal["long", "short"]
    column: str | None = Field(
        None, max_length=64, description="Bridge column; null = cross-pillar"
    )
    target_step: int | None = Field(None, ge=1, le=10)
    priority: int | None = Field(
        None, ge=1, le=30,
        description="set from the participant's chosen priority of this rank (its column, "
        "target step and Bridge)",
    )  # fmt: skip
    definition_id: str = Field(
        DEFAULT_BRIDGE[0], max_length=64, description="the Bridge of `column`"
    )
    definition_version: str = Field(DEFAULT_BRIDGE[1], max_length=32)
    parent_goal_id: UUID | None = Field(None, description="the long-term goal this serves")
    by_when: PlannedDay | None = None
    specific: str | None = Field(None, max_length=2000, description="what exactly")
    measure: str | None = Field(None, max_length=2000, description="how it is measured")
    why: str | None = Field(None, max_length=2000, description="why it matters to them")
    realistic_because: str | None = Field(None, max_length=2000)
    supports: list[str] = Field(default_factory=list, max_length=20)
    challenges: list[str] = Field(default_factory=list, max_length=20)
    plan_b: str | None = Field(None, max_length=2000)


class ActionIn(Strict):
    description: str = Field(min_length=1, max_length=500)
    owner: Literal["participant", "mentor", "partner"] = "participant"
    partner: str | None = Field(
        None, min_length=1, max_length=100, description="the named partner, if it owns the step"
    )
    due_on: PlannedDay
    reward_item: str | None = Field(None, max_length=64)


class CompletionIn(Strict):
    completed_at: PastMoment
    by: Literal["participant", "mentor", "partner"] = "participant"


class RevisionIn(Strict):
    why: str = Field(min_length=1, max_length=2000, description="why the goal changes")
    on: PastDay = Field(default_factory=clock.today, description="default: today")
    title: str | None = Field(None, min_length=1, max_length=500)
    target_step: int | None = Field(None, ge=1, le=10)
    by_when: PlannedDay | None = None
    specific: str | None = Text
    measure: str | None = Text
    realistic_because: str | None = Text
    supports: list[str] | None = None
    challenges: list[str] | None = None
    plan_b: str | None = Text


class AchievementIn(Strict):
    on: PastDay = Field(default_factory=clock.today, description="default: today")


class DiscontinuationIn(Strict):
    reason: str = Field(min_length=1, max_length=2000)
    conversation: str | None = Field(
        None, max_length=4000, description="the talk about it, in view of the long-term plan"
    )
    on: PastDay = Field(default_factory=clock.today, description="default: today")


class ReflectionIn(Strict):
    what_worked: str = Field(max_length=4000)
    what_did_not: str = Field(max_length=4000)
    lessons: str = Field(max_length=4000)
    ready_for_higher_goals: bool


class RescheduleIn(Strict):
    due_on: PlannedDay
    reason: str = Field(min_length=1, max_length=2000)


class CancellationIn(Strict):
    reason: str = Field(min_length=1, max_length=2000)


class MeetingIn(Strict):
    at: PlannedMoment
    place: str | None = Field(None, max_length=200)
    difficult: bool = Field(
        False, description="a hard conversation: best held in the morning (flagged otherwise)"
    )


class MeetingRecordIn(Strict):
    held_on: PastDay
    duration_minutes: int = Field(gt=0, le=600)
    crisis_minutes: int = Field(ge=0, le=600)
    goal_minutes: int = Field(ge=0, le=600)
    topics: list[str] = Field(default_factory=list, max_length=30)
    summary: str = Field(
        min_length=1, max_length=4000, description="for the participant, in plain language"
    )
    goal_ids: list[UUID] = Field(default_factory=list)
    action_ids: list[UUID] = Field(default_factory=list)
    risks: list[str] = Field(default_factory=list, max_length=30)


@router.post(
    "/participants/{participant_id}/goals",
    status_code=status.HTTP_201_CREATED,
    dependencies=[admits(*CASEWORK)],
)
@on_event_loop
def set_goal(participant_id: KnownParticipant, goal: GoalIn, planning: Planning) -> GoalCreated:
    """The answer suggests the supports of the participant's weaker executive functions
    (their latest profile), to weigh while planning the goal's actions."""
    goal_id = planning.set_goal(
        participant_id,
        goal.title,
        goal.horizon,
        goal.column,
        goal.target_step,
        **goal.model_dump(exclude={"title", "horizon", "column", "target_step"}),
    )
    return GoalCreated(id=goal_id, suggested_supports=planning.supports(participant_id))


@router.get(
    "/participants/{participant_id}/priorities",
    summary="The potential goals the participant chose from the Bridge, with the goals set",
    dependencies=[admits(*CASE_READERS)],
)
@on_event_loop
def priorities(participant_id: KnownParticipant, planning: Planning) -> list[ChosenPriority]:
    return [ChosenPriority.model_validate(p) for p in planning.priorities(participant_id)]


@router.get(
    "/participants/{participant_id}/supports",
    summary="Supports the weaker executive functions suggest for the plan",
    dependencies=[admits(*CASE_READERS)],
)
@on_event_loop
def supports(participant_id: KnownParticipant, planning: Planning) -> list[Support]:
    return [Support.model_validate(s) for s in planning.supports(participant_id)]


@router.post(
    "/goals/{goal_id}/actions",
    status_code=status.HTTP_201_CREATED,
    dependencies=[admits(*CASEWORK)],
)
@on_event_loop
def plan_action(goal_id: UUID, action: ActionIn, planning: Planning) -> Created:
    return Created(
        id=planning.plan_action(
            goal_id,
            action.description,
            action.owner,
            action.due_on,
            action.reward_item,
            action.partner,
        )
    )


@router.post(
    "/goals/{goal_id}/actions/{action_id}/completion",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[admits(*CASEWORK)],
)
@on_event_loop
def complete_action(
    goal_id: UUID, action_id: UUID, completion: CompletionIn, planning: Planning
) -> None:
    planning.complete_action(goal_id, action_id, completion.completed_at, completion.by)


NO_CONTENT: dict[str, Any] = {"status_code": status.HTTP_204_NO_CONTENT}


@router.post(
    "/goals/{goal_id}/actions/{action_id}/reschedule",
    **NO_CONTENT,
    dependencies=[admits(*CASEWORK)],
)
@on_event_loop
def reschedule_action(
    goal_id: UUID, action_id: UUID, body: RescheduleIn, planning: Planning
) -> None:
    planning.reschedule_action(goal_id, action_id, body.due_on, body.reason)


@router.post(
    "/goals/{goal_id}/actions/{action_id}/cancellation",
    **NO_CONTENT,
    dependencies=[admits(*CASEWORK)],
)
@on_event_loop
def cancel_action(goal_id: UUID, action_id: UUID, body: CancellationIn, planning: Planning) -> None:
    planning.cancel_action(goal_id, action_id, body.reason)


@router.post("/goals/{goal_id}/revisions", **NO_CONTENT, dependencies=[admits(*CASEWORK)])
@on_event_loop
def revise_goal(goal_id: UUID, body: RevisionIn, planning: Planning) -> None:
    changes = body.model_dump(exclude_unset=True, exclude={"why", "on"})
    planning.revise_goal(goal_id, changes, body.why, body.on)


@router.post("/goals/{goal_id}/achievement", **NO_CONTENT, dependencies=[admits(*CASEWORK)])
@on_event_loop
def achieve_goal(goal_id: UUID, body: AchievementIn, planning: Planning) -> None:
    planning.achieve_goal(goal_id, body.on)


@router.post("/goals/{goal_id}/discontinuation", **NO_CONTENT, dependencies=[admits(*CASEWORK)])
@on_event_loop
def discontinue_goal(goal_id: UUID, body: DiscontinuationIn, planning: Planning) -> None:
    planning.discontinue_goal(goal_id, body.on, body.reason, body.conversation)


@router.post("/goals/{goal_id}/reflections", **NO_CONTENT, dependencies=[admits(*CASE_READERS)])
@on_event_loop
def reflect(goal_id: UUID, body: ReflectionIn, planning: Planning) -> None:
    planning.reflect(
        goal_id, body.what_worked, body.what_did_not, body.lessons, body.ready_for_higher_goals
    )


@router.post(
    "/participants/{participant_id}/meetings",
    status_code=status.HTTP_201_CREATED,
    tags=["meetings"],
    dependencies=[admits(*CASEWORK)],
)
@on_event_loop
def schedule_meeting(
    participant_id: KnownParticipant, body: MeetingIn, planning: Planning
) -> MeetingCreated:
    """Never refused for its time: the answer flags a difficult conversation not in the
    morning and a meeting against the participant's preferred time of day."""
    meeting_id = planning.schedule_meeting(participant_id, body.at, body.place, body.difficult)
    return MeetingCreated(id=meeting_id, timing_flags=planning.meeting(meeting_id)["timing_flags"])


@router.get(
    "/participants/{participant_id}/meeting-slots",
    tags=["meetings"],
    summary="Times to offer: hard conversations in the morning, the preferred time of day first",
    dependencies=[admits(*CASE_READERS)],
)
@on_event_loop
def meeting_slots(
    participant_id: KnownParticipant,
    planning: Planning,
    today: Today,
    from_day: PlannedDay | None = Query(
        None, description="the first day offered; tomorrow if unset"
    ),
    days: int = Query(5, ge=1, le=28),
    difficult: bool = False,
) -> MeetingSlots:
    slots = planning.meeting_slots(participant_id, from_day, today, days, difficult)
    return MeetingSlots.model_validate(slots)


@router.post(
    "/meetings/{meeting_id}/record",
    tags=["meetings"],
    **NO_CONTENT,
    dependencies=[admits(*CASEWORK)],
)
@on_event_loop
def hold_meeting(meeting_id: UUID, body: MeetingRecordIn, planning: Planning) -> None:
    planning.hold_meeting(meeting_id, **body.model_dump())


@router.get(
    "/meetings/{meeting_id}",
    tags=["meetings"],
    response_model=MeetingOut,
    dependencies=[admits(*CASE_READERS, Role.SERVICE)],
)
@on_event_loop
def meeting(meeting_id: UUID, planning: Planning) -> dict[str, Any]:
    return planning.meeting(meeting_id)


@router.get(
    "/participants/{participant_id}/figures",
    response_model=Figures,
    dependencies=[admits(*CASE_READERS)],
)
@on_event_loop
def figures(participant_id: UUID, planning: Planning, today: Today) -> dict[str, Any]:
    return planning.figures(participant_id, today)


@router.get(
    "/participants/{participant_id}/goals",
    response_model=list[GoalOut],
    dependencies=[admits(*CASE_READERS, Role.SERVICE)],
)
@on_event_loop
def goals_of(participant_id: UUID, planning: Planning) -> list[dict[str, Any]]:
    return planning.goals_of(participant_id)


@router.get(
    "/participants/{participant_id}/meetings",
    tags=["meetings"],
    response_model=list[MeetingOut],
    dependencies=[admits(*CASE_READERS)],
)
@on_event_loop
def meetings_of(participant_id: UUID, planning: Planning) -> list[dict[str, Any]]:
    return planning.meetings_of(participant_id)


@router.get(
    "/goals/{goal_id}", response_model=GoalOut, dependencies=[admits(*CASE_READERS, Role.SERVICE)]
)
@on_event_loop
def goal(goal_id: UUID, planning: Planning) -> dict[str, Any]:
    return planning.goal(goal_id)


@router.get(
    "/participants/{participant_id}/plan",
    summary="The current plan in plain language, to print (HTML) or hand over (PDF)",
    response_class=HTMLResponse,
    responses={200: {"content": {"text/html": TEXT, "application/pdf": BINARY}}},
    dependencies=[admits(*CASE_READERS)],
)
def printable_plan(
    participant_id: UUID,
    planning: Planning,
    today: Today,
    lang: Literal["nl", "en"] = "nl",
    format: Literal["html", "pdf"] = "html",  # noqa: A002
) -> Response:
    document = planning.printable_plan(participant_id, lang, today, format == "pdf")
    if format == "pdf":
        return Response(document, media_type="application/pdf")
    return HTMLResponse(document)


class GroupIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["group", "affinity"]
    column: str | None = Field(None, max_length=64)


class MemberIn(Strict):
    participant_id: UUID


@router.post(
    "/groups",
    status_code=status.HTTP_201_CREATED,
    tags=["groups"],
    dependencies=[admits(*CASEWORK)],
)
@on_event_loop
def form_group(body: GroupIn, planning: Planning) -> Created:
    return Created(id=planning.form_group(body.name, body.kind, body.column))


@router.post(
    "/groups/{group_id}/members", tags=["groups"], **NO_CONTENT, dependencies=[admits(*CASEWORK)]
)
async def join_group(group_id: UUID, body: MemberIn, planning: Planning, request: Request) -> None:
    await require_case(request, body.participant_id)
    planning.join_group(group_id, body.participant_id)


@router.delete(
    "/groups/{group_id}/members/{participant_id}",
    tags=["groups"],
    **NO_CONTENT,
    dependencies=[admits(*CASEWORK)],
)
@on_event_loop
def leave_group(group_id: UUID, participant_id: UUID, planning: Planning) -> None:
    planning.leave_group(group_id, participant_id)


@router.get(
    "/groups/{group_id}", tags=["groups"], response_model=GroupOut, dependencies=[admits(*CASEWORK)]
)
@on_event_loop
def group(group_id: UUID, planning: Planning) -> dict[str, Any]:
    return planning.group(group_id)


@router.get(
    "/group-suggestions",
    tags=["groups"],
    summary="Participants working on similar active goals (same column and target step)",
    response_model=list[GroupSuggestion],
    dependencies=[admits(*CASEWORK)],
)
def group_suggestions(
    planning: Planning, kind: Literal["group", "affinity"], request: Request
) -> list[dict[str, Any]]:
    """Among the caller's cases only."""
    return planning.group_suggestions(kind, among=may_see(request))


@router.get("/participants/{participant_id}/subject-access", **subject_access_route(PlanningHeld))
@on_event_loop
def subject_access(participant_id: KnownParticipant, planning: Planning) -> dict[str, Any]:
    return planning.subject_access(participant_id)
