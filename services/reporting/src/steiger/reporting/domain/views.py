"""What a participant's progress looked like on a given day: every fact counts from the
moment it happened (an assessment from its assessment date, a completion from its
completion time), so the same facts answer "now" and "as of" a past date alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from steiger.reporting.domain.outcomes import facts_on, intake_facts
from steiger.reporting.domain.progress import Progress


def known_on(moment: dt.date | dt.datetime | None, as_of: dt.date) -> bool:
    """A fact without a moment (recorded before moments were kept) counts from the start."""
    if moment is None:
        return True
    day = moment.date() if isinstance(moment, dt.datetime) else moment
    return day <= as_of


def columns_on(p: Progress, as_of: dt.date) -> dict[str, dict[str, Any]]:
    columns = {}
    for column, history in p.positions.items():
        known = [entry for entry in history if known_on(entry["assessed_at"], as_of)]
        if known:
            columns[column] = {
                "intake": known[0],
                "latest": known[-1],
                "change_since_intake": known[-1]["points"] - known[0]["points"],
                "history": known,
            }
    return columns


def goals_on(p: Progress, as_of: dt.date) -> list[dict[str, Any]]:
    goals = []
    for goal in p.goals.values():
        if not known_on(goal.get("set_at"), as_of):
            continue
        closed = goal["closed_on"] is not None and known_on(goal["closed_on"], as_of)
        goals.append({**goal, "status": goal["status"] if closed else "active",
                      "closed_on": goal["closed_on"] if closed else None})  # fmt: skip
    return goals


def actions_on(p: Progress, as_of: dt.date) -> list[dict[str, Any]]:
    actions = []
    for action in sorted(p.actions.values(), key=lambda a: a["due_on"]):
        if not known_on(action.get("planned_at"), as_of):
            continue
        closed = action["status"] != "planned" and known_on(action.get("closed_at"), as_of)
        status = action["status"] if closed else "planned"
        actions.append(
            {**action, "status": status, "on_time": action.get("on_time") if closed else None,
             "overdue": status == "planned" and action["due_on"] < as_of}
        )  # fmt: skip
    return actions


def rewards_on(p: Progress, as_of: dt.date) -> list[dict[str, Any]]:
    return [
        r
        for r in p.rewards.values()
        if known_on(r["earned_at"], as_of)
        and not (r["reversed_at"] is not None and known_on(r["reversed_at"], as_of))
    ]


def consents_on(p: Progress, as_of: dt.date) -> dict[str, dict[str, Any]]:
    active: dict[str, dict[str, Any]] = {}
    for change in p.consents:
        if not known_on(change["on"], as_of):
            continue
        key = f"{change['purpose']}:{change['partner'] or ''}"
        if change["granted"]:
            active[key] = change
        else:
            active.pop(key, None)
    return active


def has_consent(p: Progress, purpose: str, as_of: dt.date) -> bool:
    return any(c["purpose"] == purpose for c in consents_on(p, as_of).values())


def latest_on(history: list[dict[str, Any]], as_of: dt.date) -> dict[str, Any] | None:
    known = [h for h in history if known_on(h["since"], as_of)]
    return known[-1] if known else None


def crisis_shares(p: Progress, as_of: dt.date) -> list[dict[str, Any]]:
    """Per meeting, the share of its time spent on crisis rather than goals."""
    shares = []
    for m in sorted(p.meetings.values(), key=lambda m: m["held_on"]):
        total = m["crisis_minutes"] + m["goal_minutes"]
        if known_on(m["held_on"], as_of) and total:
            shares.append(
                {"held_on": m["held_on"], "crisis_share": round(m["crisis_minutes"] / total, 3)}
            )
    return shares


def participant_view(p: Progress, as_of: dt.date) -> dict[str, Any]:
    columns = columns_on(p, as_of)
    actions = actions_on(p, as_of)
    rewards = rewards_on(p, as_of)
    status = latest_on(p.statuses, as_of) or {
        "status": "active",
        "exit_reason": None,
        "since": None,
    }
    mentor = latest_on(p.mentors, as_of)
    return {
        "participant_id": p.participant_id,
        "as_of": as_of,
        "profile": p.profile,
        "status": status,
        "mentor_id": mentor["mentor_id"] if mentor else None,
        "consents": list(consents_on(p, as_of).values()),
        "bridge": {
            "columns": {
                c: {k: v for k, v in col.items() if k != "history"} for c, col in columns.items()
            },
            "timeline": {c: col["history"] for c, col in columns.items()},
            "total_points": sum(c["latest"]["points"] for c in columns.values()),
            "total_change_since_intake": sum(c["change_since_intake"] for c in columns.values()),
        },
        "goals": goals_on(p, as_of),
        "outcomes": {"intake": intake_facts(p), "now": facts_on(p, as_of)},
        "actions": actions,
        "deadlines": {
            "met": sum(1 for a in actions if a["on_time"] is True),
            "completed_late": sum(1 for a in actions if a["on_time"] is False),
            "missed": sum(1 for a in actions if a["overdue"] or a["status"] == "missed"),
        },
        "rewards": {
            "earned": rewards,
            "total": sum((r["amount"] for r in rewards), Decimal("0.00")),
        },
        "meetings": crisis_shares(p, as_of),
    }
