"""What the rewards API answers: a model per response, so its OpenAPI document says it and a
generated client needs no hand edits. Money is a string with its decimals: exact, never a
float."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from steiger.rewards.domain.menu import MenuItem


class Issue(BaseModel):
    reference: str = Field(description="the voucher code or payment reference")
    by: str
    at: dt.datetime


class Reversal(BaseModel):
    reason: str
    by: str
    at: dt.datetime


class EarnedOut(BaseModel):
    reward_id: UUID
    item_id: str
    rule: str
    trigger: str
    amount: Decimal
    currency: str
    column: str | None
    earned_at: dt.datetime
    group_credit: Decimal = Field(description="the part credited to the group account")
    issued: Issue | None
    reversed: Reversal | None


class WithheldOut(BaseModel):
    item_id: str
    rule: str
    trigger: str
    amount: Decimal
    reason: str = Field(description="why it was not earned (the annual cap, a limit)")
    at: dt.datetime


class RewardsOut(BaseModel):
    participant_id: UUID
    currency: str
    balance: Decimal
    outstanding: Decimal = Field(description="earned and not yet issued")
    earned: list[EarnedOut]
    withheld: list[WithheldOut]
    group_account_id: UUID | None


class StatementLine(BaseModel):
    date: dt.date
    reward_id: UUID | Literal[""] = Field(description="empty for a withheld reward")
    item_id: str
    label: str
    kind: str
    amount: Decimal
    status: Literal["earned", "issued", "reversed", "withheld"]
    status_text: str = Field(description="the status in the statement's language")
    reference: str
    reason: str


class RewardsStatement(BaseModel):
    participant_id: UUID
    year: int
    language: Literal["nl", "en"] = Field(description="of labels, statuses and reasons")
    currency: str
    lines: list[StatementLine]
    total: Decimal = Field(description="earned and issued in the year")
    issued: Decimal
    withheld: Decimal


class Menu(BaseModel):
    id: str
    version: str
    currency: str
    annual_cap: Decimal
    items: list[MenuItem]


class Proposal(BaseModel):
    proposal_id: UUID
    amount: Decimal
    purpose: str
    proposed_at: dt.datetime
    status: Literal["proposed", "approved"]
    approved_by: str | None = None


class GroupAccountOut(BaseModel):
    account_id: UUID
    name: str
    currency: str
    balance: Decimal
    members: list[UUID]
    proposals: list[Proposal]


class FiguresRow(BaseModel):
    month: str = Field(examples=["2026-11"])
    programme: str
    column: str = Field(description="a Bridge column, or cross-pillar")
    earned: Decimal
    issued: Decimal
    withheld: Decimal


class RewardsFigures(BaseModel):
    year: int
    currency: str
    rows: list[FiguresRow]


class RewardsHeld(BaseModel):
    """GDPR art. 15: what the rewards service holds about the participant."""

    rewards: RewardsOut
    statements: list[RewardsStatement] = Field(description="one for every year in the ledger")
