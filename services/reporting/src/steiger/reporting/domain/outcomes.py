"""The outcome indicators of the evaluations (seed 000, chapter 6, Table 4): per group of
participants, the share of whom each fact holds at intake, now, and 6, 12 and 30 months after
intake, as of any day, beside the figures EMPath published for its CFO programme. Pure.

A share counts the participants whose fact is known at that point; a group or a point with
fewer than MINIMUM_CELL participants known is suppressed, as in every shared dataset."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from steiger.reporting.domain.progress import Progress
from steiger.reporting.domain.timeline import INTAKE_WINDOW, months_after, registered_on
from steiger.shared.contracts.bridge import OUTCOME_FACTS
from steiger.shared.contracts.exchange import MINIMUM_CELL

POINTS = {"m6": 6, "m12": 12, "m30": 30}
"""Months after intake; beside them the intake itself and `now` (the day asked)."""

EMPATH_TABLE_4 = {
    "source": "EMPath, Career Family Opportunity programme, first cohort (2015), after "
    "2.5 years; seed 000, chapter 6, Table 4 and its text (savings per household in USD)",
    "shares": {
        "enrolled_in_education": {"start": 0.01, "later": 0.45},
        "employed": {"start": 0.59, "later": 0.70},
        "changed_job_in_year": {"start": 0.03, "later": 0.23},
        "career_pays_index": {"start": 0.03, "later": 0.43},
        "within_household_budget": {"start": 0.20, "later": 0.70},
        "buffer_for_unforeseen": {"start": 0.01, "later": 0.57},
        "home_owner": {"start": 0.0, "later": 0.10},
    },
    "mean_savings": {"start": Decimal("0"), "later": Decimal("1345"), "currency": "USD"},
}


def _records(p: Progress) -> list[dict[str, Any]]:
    return getattr(p, "outcomes", [])  # a progress kept before outcomes were noted: none


def facts_on(p: Progress, day: dt.date) -> dict[str, Any]:
    """Each fact as last recorded on or before `day` (unknown ones left out)."""
    known: dict[str, Any] = {}
    for record in _records(p):
        if record["assessed_at"].date() > day:
            break
        known |= {k: v for k, v in record["facts"].items() if v is not None}
    return known


def intake_facts(p: Progress) -> dict[str, Any]:
    """The facts of the first assessment, when it was within INTAKE_WINDOW of registration."""
    registered = registered_on(p)
    records = _records(p)
    if registered is None or not records:
        return {}
    first = records[0]
    if first["assessed_at"].date() > registered + INTAKE_WINDOW:
        return {}
    return {k: v for k, v in first["facts"].items() if v is not None}


def point_facts(p: Progress, point: str, as_of: dt.date) -> dict[str, Any] | None:
    """The facts at a point, or None when the participant has not reached it by `as_of`."""
    if point == "intake":
        return intake_facts(p)
    if point == "now":
        return facts_on(p, as_of)
    registered = registered_on(p)
    assert registered is not None
    on = months_after(registered, POINTS[point])
    return facts_on(p, on) if on <= as_of else None


def outcomes_point(facts: list[dict[str, Any]]) -> dict[str, Any]:
    shares: dict[str, float | None] = {}
    known: dict[str, int] = {}
    for fact in OUTCOME_FACTS:
        values = [f[fact] for f in facts if fact in f]
        known[fact] = len(values)
        shares[fact] = (
            round(sum(1 for v in values if v) / len(values), 3)
            if len(values) >= MINIMUM_CELL
            else None
        )
    savings = [Decimal(str(f["savings"])) for f in facts if "savings" in f]
    known["savings"] = len(savings)
    mean = (
        (sum(savings, Decimal(0)) / len(savings)).quantize(Decimal("0.01"))
        if len(savings) >= MINIMUM_CELL
        else None
    )
    return {"reached": len(facts), "shares": shares, "known": known, "mean_savings": mean}


def table_4(everyone: Iterable[Progress], by: str, as_of: dt.date) -> dict[str, Any]:
    """Per value of `by` (cohort, programme, municipality …) among those registered by
    `as_of`: the share of each indicator at intake, now and after 6, 12 and 30 months."""
    groups: dict[str, list[Progress]] = defaultdict(list)
    for p in everyone:
        registered = registered_on(p)
        if registered is not None and registered <= as_of:
            groups[p.profile.get(by) or "unknown"].append(p)
    rows = []
    for key, people in sorted(groups.items()):
        row: dict[str, Any] = {"key": key, "suppressed": len(people) < MINIMUM_CELL}
        if not row["suppressed"]:
            row["participants"] = len(people)
            row["points"] = {}
            for point in ("intake", "now", *POINTS):
                reached = [f for p in people if (f := point_facts(p, point, as_of)) is not None]
                row["points"][point] = outcomes_point(reached)
        rows.append(row)
    return {"as_of": as_of, "by": by, "minimum_cell": MINIMUM_CELL, "groups": rows,
            "reference": EMPATH_TABLE_4}  # fmt: skip
