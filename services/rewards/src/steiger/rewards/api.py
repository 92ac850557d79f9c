from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from pydantic import Field

from steiger.rewards.application import RewardsApplication
from steiger.rewards.domain.errors import (
    GroupAccountNotFound,
    InsufficientGroupBalance,
    InvalidPayout,
    RewardNotFound,
)
from steiger.rewards.responses import (
    GroupAccountOut,
    Menu,
    RewardsFigures,
    RewardsHeld,
    RewardsOut,
    RewardsStatement,
)
from steiger.shared.access import (
    CASE_READERS,
    CASEWORK,
    EVERYONE,
    Role,
    admits,
    may_see,
    require_case,
    subject_access_route,
)
from steiger.shared.concurrency import on_event_loop
from steiger.shared.http import Strict, current_application
from steiger.shared.openapi import TEXT, Created
from steiger.shared.participants import KnownParticipant

Rewards = Annotated[RewardsApplication, Depends(current_application)]
router = APIRouter(tags=["rewards"])

DOMAIN_ERRORS: dict[type[Exception], int] = {
    RewardNotFound: 404,
    GroupAccountNotFound: 404,
    InvalidPayout: 409,
    InsufficientGroupBalance: 409,
}
NO_CONTENT: dict[str, Any] = {"status_code": status.HTTP_204_NO_CONTENT}


class IssueIn(Strict):
    reference: str = Field(min_length=1, max_length=100, description="voucher code or payment")
    by: str = Field(min_length=1, max_length=100)


class ReversalIn(Strict):
    reason: str = Field(min_length=1, max_length=2000)
    by: str = Field(min_length=1, max_length=100)


class GroupAccountIn(Strict):
    name: str = Field(min_length=1, max_length=200)


class MemberIn(Strict):
    participant_id: UUID


class ProposalIn(Strict):
    amount: Decimal = Field(gt=0, max_digits=9, decimal_places=2)
    purpose: str = Field(min_length=1, max_length=2000)


class ApprovalIn(Strict):
    by: str = Field(min_length=1, max_length=100)


@router.get(
    "/participants/{participant_id}/rewards",
    response_model=RewardsOut,
    dependencies=[admits(*CASE_READERS, Role.SERVICE)],
)
@on_event_loop
def rewards(participant_id: UUID, rewards: Rewards) -> dict[str, Any]:
    return rewards.rewards(participant_id)


@router.post(
    "/participants/{participant_id}/rewards/{reward_id}/issue",
    **NO_CONTENT,
    dependencies=[admits(*CASEWORK)],
)
@on_event_loop
def issue(participant_id: UUID, reward_id: UUID, body: IssueIn, rewards: Rewards) -> None:
    rewards.issue(participant_id, reward_id, body.reference, body.by, dt.datetime.now(dt.UTC))


@router.post(
    "/participants/{participant_id}/rewards/{reward_id}/reversal",
    **NO_CONTENT,
    dependencies=[admits(*CASEWORK)],
)
@on_event_loop
def reverse(participant_id: UUID, reward_id: UUID, body: ReversalIn, rewards: Rewards) -> None:
    rewards.reverse(participant_id, reward_id, body.reason, body.by, dt.datetime.now(dt.UTC))


@router.get(
    "/participants/{participant_id}/statements/{year}",
    summary="Yearly statement for benefit and tax administration (JSON or CSV)",
    responses={200: {"model": RewardsStatement, "content": {"text/csv": TEXT}}},
    dependencies=[admits(*CASE_READERS)],
)
@on_event_loop
def statement(
    participant_id: UUID,
    year: Annotated[int, Path(ge=2000, le=2100)],
    rewards: Rewards,
    format: Literal["json", "csv"] = "json",  # noqa: A002
    language: Literal["nl", "en"] = Query("nl", description="of labels, statuses and reasons"),
) -> Response:
    if format == "csv":
        csv_text = rewards.statement_csv(participant_id, year, language)
        return Response(csv_text, media_type="text/csv")
    statement = rewards.statement(participant_id, year, language)
    return Response(
        RewardsStatement.model_validate(statement).model_dump_json(), media_type="application/json"
    )


@router.get("/menu", dependencies=[admits(*EVERYONE)])
@on_event_loop
def menu(rewards: Rewards) -> Menu:
    menu = rewards.menu
    return Menu(
        id=menu.id,
        version=menu.version,
        currency=menu.currency,
        annual_cap=menu.annual_cap,
        items=list(menu.items.values()),
    )


@router.post(
    "/group-accounts",
    status_code=status.HTTP_201_CREATED,
    tags=["group accounts"],
    dependencies=[admits(*CASEWORK)],
)
@on_event_loop
def open_group_account(body: GroupAccountIn, rewards: Rewards) -> Created:
    return Created(id=rewards.open_group_account(body.name))


@router.post(
    "/group-accounts/{account_id}/members",
    tags=["group accounts"],
    **NO_CONTENT,
    dependencies=[admits(*CASEWORK)],
)
async def join_group_account(
    account_id: UUID, body: MemberIn, rewards: Rewards, request: Request
) -> None:
    await require_case(request, body.participant_id)
    rewards.join_group_account(account_id, body.participant_id)


@router.post(
    "/group-accounts/{account_id}/proposals",
    status_code=status.HTTP_201_CREATED,
    tags=["group accounts"],
    dependencies=[admits(*CASEWORK)],
)
@on_event_loop
def propose(account_id: UUID, body: ProposalIn, rewards: Rewards) -> Created:
    return Created(id=rewards.propose_spending(account_id, body.amount, body.purpose))


@router.post(
    "/group-accounts/{account_id}/proposals/{proposal_id}/approval",
    tags=["group accounts"],
    **NO_CONTENT,
    dependencies=[admits(*CASEWORK)],
)
@on_event_loop
def approve(account_id: UUID, proposal_id: UUID, body: ApprovalIn, rewards: Rewards) -> None:
    rewards.approve_spending(account_id, proposal_id, body.by)


@router.get(
    "/group-accounts/{account_id}",
    tags=["group accounts"],
    response_model=GroupAccountOut,
    dependencies=[admits(*CASEWORK)],
)
@on_event_loop
def group_account(account_id: UUID, rewards: Rewards) -> dict[str, Any]:
    return rewards.group_account_view(account_id)


@router.get(
    "/figures",
    summary="Earned, issued and withheld per month, programme and column",
    response_model=RewardsFigures,
    dependencies=[admits(Role.RESEARCHER, Role.TEAM_LEAD, Role.ADMINISTRATOR)],
)
def figures(
    rewards: Rewards, request: Request, year: int = Query(ge=2000, le=2100)
) -> dict[str, Any]:
    """A team lead's: of their teams' participants."""
    return rewards.figures(year, among=may_see(request))


@router.get("/participants/{participant_id}/subject-access", **subject_access_route(RewardsHeld))
@on_event_loop
def subject_access(participant_id: KnownParticipant, rewards: Rewards) -> dict[str, Any]:
    return rewards.subject_access(participant_id)
