"""The evaluation dataset for effect research: per participant who consented to research
use, measurements at intake and at follow-up points. Pure: the export adapter writes it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from steiger.reporting.domain.outcomes import facts_on, intake_facts
from steiger.reporting.domain.progress import Progress
from steiger.reporting.domain.timeline import INTAKE_WINDOW, months_after, registered_on
from steiger.reporting.domain.views import (
    actions_on,
    columns_on,
    goals_on,
    has_consent,
    latest_on,
    rewards_on,
)
from steiger.shared.contracts.bridge import OUTCOME_FACTS

OUTCOME_COLUMNS = (*OUTCOME_FACTS, "savings")
"""The facts behind Table 4 at each point (yes/no, savings as an amount; empty: unknown)."""
FOLLOW_UPS = (0, 6, 12, 24)
"""Months after intake; 0 is the intake itself."""


def measurements(
    p: Progress, on: dt.date, today: dt.date, columns: Sequence[str], k: int
) -> dict[str, Any]:
    """Step per column and the indicators on day `on`. For the intake (k = 0) the step is
    the first assessment within INTAKE_WINDOW of registration."""
    known = columns_on(p, min(on + INTAKE_WINDOW, today) if k == 0 else on)
    row: dict[str, Any] = {
        f"step_{c}_m{k}": (known[c]["intake"] if k == 0 else known[c]["latest"])["step"]
        if c in known
        else None
        for c in columns
    }
    actions = actions_on(p, on)
    row[f"goals_achieved_m{k}"] = sum(1 for g in goals_on(p, on) if g["status"] == "achieved")
    row[f"deadlines_met_m{k}"] = sum(1 for a in actions if a["on_time"] is True)
    row[f"deadlines_missed_m{k}"] = sum(
        1 for a in actions if a["overdue"] or a["status"] == "missed"
    )
    row[f"rewards_m{k}"] = sum((r["amount"] for r in rewards_on(p, on)), Decimal("0.00"))
    facts = intake_facts(p) if k == 0 else facts_on(p, on)
    row |= {f"{fact}_m{k}": facts.get(fact) for fact in OUTCOME_FACTS}
    row[f"savings_m{k}"] = Decimal(facts["savings"]) if "savings" in facts else None
    return row


def evaluation_rows(
    everyone: Iterable[Progress],
    today: dt.date,
    pseudonym: Callable[[Any], str],
    follow_ups: Sequence[int] = FOLLOW_UPS,
) -> tuple[list[str], list[dict[str, Any]]]:
    """(column names, rows). A follow-up point not reached yet by `today` stays empty."""
    people = [p for p in everyone if registered_on(p) and has_consent(p, "research", today)]
    columns = sorted({c for p in people for c in p.positions})
    names = ["research_id", "programme", "cohort", "neighbourhood", "target_group",
             "intake_date", "status_today"]  # fmt: skip
    for k in follow_ups:
        names += [f"step_{c}_m{k}" for c in columns]
        names += [f"goals_achieved_m{k}", f"deadlines_met_m{k}", f"deadlines_missed_m{k}",
                  f"rewards_m{k}"]  # fmt: skip
        names += [f"{fact}_m{k}" for fact in OUTCOME_COLUMNS]
    rows = []
    for p in people:
        intake = registered_on(p)
        assert intake is not None
        status = latest_on(p.statuses, today)
        row: dict[str, Any] = {
            "research_id": pseudonym(p.participant_id),
            "programme": p.profile.get("programme"),
            "cohort": p.profile.get("cohort"),
            "neighbourhood": p.profile.get("neighbourhood"),
            "target_group": p.profile.get("target_group"),
            "intake_date": intake,
            "status_today": status["status"] if status else "active",
        }
        for k in follow_ups:
            on = months_after(intake, k)
            if on <= today:
                row |= measurements(p, on, today, columns, k)
            else:  # not reached yet
                row |= {n: None for n in names if n.endswith(f"_m{k}")}
        rows.append(row)
    return names, sorted(rows, key=lambda r: r["research_id"])
