"""The progress page a mentor shows the participant: the Bridge per column over time as
small SVG charts, goals, steps and rewards, in plain words. Charts are drawn here as SVG
(no JavaScript, prints well)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

WORDS = {
    "nl": {"title": "Mijn voortgang", "bridge": "De Brug", "step": "stap",
           "since": "sinds de start",
           "goals": "Doelen", "actions": "Stappen", "rewards": "Beloningen", "met": "op tijd",
           "missed": "gemist", "total": "totaal", "meetings": "Gesprekken: tijd voor crisis",
           "active": "bezig", "achieved": "bereikt", "discontinued": "gestopt",
           "planned": "gepland", "completed": "gedaan", "cancelled": "geschrapt",
           "as_of": "stand op"},
    "en": {"title": "My progress", "bridge": "The Bridge", "step": "step",
           "since": "since the start",
           "goals": "Goals", "actions": "Steps", "rewards": "Rewards", "met": "on time",
           "missed": "missed", "total": "total", "meetings": "Meetings: time spent on crisis",
           "active": "in progress", "achieved": "achieved", "discontinued": "stopped",
           "planned": "planned", "completed": "done", "cancelled": "dropped", "as_of": "as of"},
}  # fmt: skip
WIDTH, HEIGHT, MAX_STEP = 240, 80, 5

_env = Environment(
    loader=PackageLoader("steiger.reporting", "templates"), autoescape=select_autoescape()
)


def line_chart(history: list[dict[str, Any]]) -> dict[str, Any]:
    """Points of a step-over-time line, scaled into the chart box."""
    times = [_moment(h["assessed_at"]) for h in history]
    first, last = min(times), max(times)
    span = (last - first).total_seconds() or 1.0
    top = max(MAX_STEP, *(h["step"] for h in history))
    points = [
        (
            round(10 + (t - first).total_seconds() / span * (WIDTH - 20), 1),
            round(HEIGHT - 10 - (h["step"] - 1) / max(top - 1, 1) * (HEIGHT - 20), 1),
        )
        for t, h in zip(times, history, strict=True)
    ]
    return {"points": " ".join(f"{x},{y}" for x, y in points), "dots": points}


def _moment(value: Any) -> dt.datetime:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def progress_page(view: dict[str, Any], language: str = "nl") -> str:
    charts = {c: line_chart(h) for c, h in view["bridge"]["timeline"].items()}
    return _env.get_template("progress.html").render(
        view=view, charts=charts, words=WORDS[language], language=language,
        width=WIDTH, height=HEIGHT,
    )  # fmt: skip
