"""The exchange-network feed's row: aggregated outcomes per organisation, programme and
period, published by reporting for the network's shared learning (JSON Schema in
`shared/schemas`, topic in `docs/asyncapi.json`). Not an integration event between the
services: no participant is in it, only counts of those who consented to research use.

A cell of fewer than `MINIMUM_CELL` participants is suppressed: it keeps its keys and
`suppressed: true`, and publishes no count and no figure, so no small group can be singled
out (schema 2.0; 1.0 still carried the small count)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MINIMUM_CELL = 5
"""Fewer participants than this in a cell of a shared dataset: the cell is suppressed."""
EXCHANGE_SCHEMA_VERSION: Literal["2.0"] = "2.0"
EXCHANGE_TOPIC = "steiger.reporting.exchange.v2"
EXCHANGE_EVENT_TYPE = "nl.steiger.reporting.exchange-outcomes.v2"


class ExchangeRow(BaseModel):
    """One programme's outcomes in one period, for one organisation."""

    model_config = ConfigDict(title="ExchangeOutcomes")

    organisation: str = Field(description="OIN of the organisation")
    programme: str
    period_start: dt.date
    period_end: dt.date
    suppressed: bool = Field(
        description=f"fewer than {MINIMUM_CELL} participants: no count and no figure given"
    )
    participants: int | None = Field(
        None,
        ge=MINIMUM_CELL,
        description="with research consent on period_end, in by then; null when suppressed",
    )
    new_participants: int | None = Field(None, description="intake within the period")
    mean_bridge_change_since_intake: float | None = Field(
        None, description="mean over participants of the summed points change since intake"
    )
    share_improved: float | None = Field(None, description="share with a positive change")
    goals_achieved_in_period: int | None = None
    share_deadlines_met: float | None = Field(
        None, description="of the actions closed by period_end: completed on time"
    )
    rewards_earned_in_period: Decimal | None = None
    outcome_shares: dict[str, float | None] | None = Field(
        None,
        description="per outcome indicator of Table 4 (enrolled_in_education, employed, …), the "
        f"share of whom it holds on period_end; null where fewer than {MINIMUM_CELL} are known",
    )
    mean_savings: Decimal | None = Field(
        None, description=f"per household on period_end; null where fewer than {MINIMUM_CELL} known"
    )
