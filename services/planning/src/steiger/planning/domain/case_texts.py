"""Which fields of planning's events are free text about a participant: what a mentor writes
about debts, health and family. They are stored sealed with the participant's key and are
unreadable once the participant is erased (`steiger.shared.sealing`); the rest of each
event (dates, steps, columns, ids) stays, pseudonymous, for the statistics."""

from __future__ import annotations

from steiger.planning.domain.goal import Goal
from steiger.planning.domain.meeting import Meeting

CASE_TEXTS: dict[type, tuple[str, ...]] = {
    Goal.Set: (
        "title",
        "specific",
        "measure",
        "why",
        "realistic_because",
        "supports",
        "challenges",
        "plan_b",
    ),  # fmt: skip
    Goal.Revised: ("changes", "why"),
    Goal.Discontinued: ("reason", "conversation"),
    Goal.Reflected: ("what_worked", "what_did_not", "lessons"),
    Goal.ActionPlanned: ("description",),
    Goal.ActionRescheduled: ("reason",),
    Goal.ActionCancelled: ("reason",),
    Meeting.Scheduled: ("place",),
    Meeting.Held: ("topics", "summary", "risks"),
}
