"""Figures over many participants: management dashboards, a mentor's caseload, and the
exchange-network dataset. Pure functions of progress and a day; nothing here reads a store."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from steiger.reporting.domain.outcomes import facts_on, outcomes_point
from steiger.reporting.domain.progress import Progress
from steiger.reporting.domain.timeline import registered_on
from steiger.reporting.domain.views import (
    actions_on,
    columns_on,
    goals_on,
    has_consent,
    known_on,
    latest_on,
    rewards_on,
)
from steiger.shared.contracts.exchange import MINIMUM_CELL

GROUPINGS = ("programme", "cohort", "neighbourhood", "target_group", "municipality")


def in_period(p: Progress, since: dt.date | None, as_of: dt.date) -> bool:
    """Registered (intake) within the period: on or after `since`, on or before `as_of`."""
    day = registered_on(p)
    return day is not None and day <= as_of and (since is None or day >= since)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def group_figures(people: list[Progress], as_of: dt.date, step: int) -> dict[str, Any]:
    intake: dict[str, Counter[int]] = defaultdict(Counter)
    latest: dict[str, Counter[int]] = defaultdict(Counter)
    goals: Counter[str] = Counter()
    deadlines: Counter[str] = Counter()
    rewards, days = Decimal("0.00"), []
    for p in people:
        for column, c in columns_on(p, as_of).items():
            intake[column][c["intake"]["step"]] += 1
            latest[column][c["latest"]["step"]] += 1
        for g in goals_on(p, as_of):
            goals["set"] += 1
            goals[g["status"]] += 1
        for a in actions_on(p, as_of):
            if a["on_time"] is True:
                deadlines["met"] += 1
            elif a["on_time"] is False:
                deadlines["completed_late"] += 1
            elif a["overdue"] or a["status"] == "missed":
                deadlines["missed"] += 1
        rewards += sum((r["amount"] for r in rewards_on(p, as_of)), Decimal("0.00"))
        day = registered_on(p)
        if day is not None:
            days.append((as_of - day).days)
    columns = {
        column: {
            "intake": dict(sorted(intake[column].items())),
            "latest": dict(sorted(latest[column].items())),
            f"at_or_above_step_{step}": {
                "intake": _share(
                    sum(n for s, n in intake[column].items() if s >= step),
                    sum(intake[column].values()),
                ),
                "latest": _share(
                    sum(n for s, n in latest[column].items() if s >= step),
                    sum(latest[column].values()),
                ),
            },
        }  # fmt: skip
        for column in sorted(intake)
    }
    return {
        "participants": len(people),
        "median_days_in_programme": statistics.median(days) if days else None,
        "columns": columns,
        "goals": {k: goals[k] for k in ("set", "achieved", "discontinued", "active")},
        "deadlines": {k: deadlines[k] for k in ("met", "completed_late", "missed")},
        "rewards_total": rewards,
    }


def dashboard(
    everyone: Iterable[Progress],
    by: str,
    as_of: dt.date,
    since: dt.date | None = None,
    step: int = 3,
) -> dict[str, Any]:
    """Per group (programme, cohort, neighbourhood, target group or municipality): positions
    at intake against the latest, the share at or above `step` then and now (a Table-4-style
    summary), goals, deadlines, rewards and time in the programme."""
    groups: dict[str, list[Progress]] = defaultdict(list)
    for p in everyone:
        if in_period(p, since, as_of):
            groups[p.profile.get(by) or "unknown"].append(p)
    return {
        "by": by,
        "as_of": as_of,
        "since": since,
        "step": step,
        "groups": {
            name: group_figures(people, as_of, step) for name, people in sorted(groups.items())
        },
    }


def caseload(everyone: Iterable[Progress], mentor_id: str, as_of: dt.date) -> list[dict[str, Any]]:
    """The mentor's participants on that day, each in one line."""
    lines = (caseload_row(p, as_of) for p in everyone)
    found = [row for mentor, row in lines if mentor == mentor_id]
    return sorted(found, key=lambda row: str(row["participant_id"]))


def caseload_row(p: Progress, as_of: dt.date) -> tuple[str | None, dict[str, Any]]:
    """Whose caseload the participant was on that day (None: nobody's), and their line."""
    mentor = latest_on(p.mentors, as_of)
    columns = columns_on(p, as_of)
    actions = actions_on(p, as_of)
    status = latest_on(p.statuses, as_of)
    return mentor["mentor_id"] if mentor else None, {
        "participant_id": p.participant_id,
        "status": status["status"] if status else "active",
        "programme": p.profile.get("programme"),
        "bridge_change_since_intake": sum(c["change_since_intake"] for c in columns.values()),
        "open_actions": sum(1 for a in actions if a["status"] == "planned"),
        "overdue_actions": sum(1 for a in actions if a["overdue"]),
        "last_assessed": max((c["latest"]["assessed_at"] for c in columns.values()), default=None),
        "next_action_due": min(
            (a["due_on"] for a in actions if a["status"] == "planned" and not a["overdue"]),
            default=None,
        ),
        "last_meeting": max(
            (m["held_on"] for m in p.meetings.values() if m["held_on"] <= as_of), default=None
        ),
    }


def exchange_rows(
    everyone: Iterable[Progress], organisation: str, period: tuple[dt.date, dt.date]
) -> list[dict[str, Any]]:
    """The exchange-network dataset for one period: per programme, outcomes of the
    participants who consented to research use on the period's last day and were in the
    programme by then. A row with fewer than MINIMUM_CELL participants keeps only its
    keys: its count and figures are suppressed."""
    start, end = period
    programmes: dict[str, list[Progress]] = defaultdict(list)
    for p in everyone:
        if in_period(p, None, end) and has_consent(p, "research", end):
            programmes[p.profile.get("programme") or "unknown"].append(p)
    rows = []
    for programme, people in sorted(programmes.items()):
        row: dict[str, Any] = {
            "organisation": organisation,
            "programme": programme,
            "period_start": start,
            "period_end": end,
            "suppressed": len(people) < MINIMUM_CELL,
        }
        if not row["suppressed"]:
            row |= {"participants": len(people), **_outcomes(people, start, end)}
        rows.append(row)
    return rows


def _outcomes(people: list[Progress], start: dt.date, end: dt.date) -> dict[str, Any]:
    changes, improved, new = [], 0, 0
    achieved = met = closed = 0
    rewards = Decimal("0.00")
    for p in people:
        change = sum(c["change_since_intake"] for c in columns_on(p, end).values())
        changes.append(change)
        improved += change > 0
        new += (registered_on(p) or end) >= start
        before = start - dt.timedelta(days=1)
        achieved += sum(
            1
            for g in goals_on(p, end)
            if g["status"] == "achieved" and not known_on(g["closed_on"], before)
        )
        for a in actions_on(p, end):
            if a["on_time"] is not None or a["status"] == "missed":
                closed += 1
                met += a["on_time"] is True
        rewards += sum(
            (
                r["amount"]
                for r in rewards_on(p, end)
                if not known_on(r["earned_at"], start - dt.timedelta(days=1))
            ),
            Decimal("0.00"),
        )
    now = outcomes_point([facts_on(p, end) for p in people])
    return {
        "outcome_shares": now["shares"],
        "mean_savings": now["mean_savings"],
        "new_participants": new,
        "mean_bridge_change_since_intake": round(statistics.fmean(changes), 2),
        "share_improved": _share(improved, len(people)),
        "goals_achieved_in_period": achieved,
        "share_deadlines_met": _share(met, closed),
        "rewards_earned_in_period": rewards,
    }
