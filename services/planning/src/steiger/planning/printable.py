"""The participant's current goal-action plan in plain language, to hand over as a memory
aid: an HTML page with a print stylesheet, and the same content as a PDF."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fpdf import FPDF
from jinja2 import Environment, PackageLoader, select_autoescape

from steiger.planning.domain.goal import Goal
from steiger.shared.pdf_text import latin1

WORDS: dict[str, dict[str, Any]] = {
    "nl": {
        "title": "Mijn plan",
        "printed": "Afgedrukt op",
        "long": "Mijn doel voor de lange termijn",
        "short": "Mijn doel voor nu",
        "why": "Waarom dit belangrijk voor mij is",
        "by_when": "Klaar op",
        "supports": "Wat mij helpt",
        "challenges": "Waar ik op let",
        "plan_b": "Als het niet lukt",
        "step": "Stap",
        "who": "Wie",
        "when": "Wanneer",
        "owners": {"participant": "ik", "mentor": "mijn mentor", "partner": "een partner"},
        "empty": "Er staan nog geen doelen in je plan.",
    },
    "en": {
        "title": "My plan",
        "printed": "Printed on",
        "long": "My long-term goal",
        "short": "My goal for now",
        "why": "Why this matters to me",
        "by_when": "Done by",
        "supports": "What helps me",
        "challenges": "What to watch out for",
        "plan_b": "If it does not work out",
        "step": "Step",
        "who": "Who",
        "when": "When",
        "owners": {"participant": "me", "mentor": "my mentor", "partner": "a partner"},
        "empty": "Your plan has no goals yet.",
    },
}

_templates = Environment(
    loader=PackageLoader("steiger.planning", "templates"), autoescape=select_autoescape()
)


def plan_document(goals: list[Goal]) -> list[dict[str, Any]]:
    """Active goals, long-term first, each with its open and completed steps by date."""
    active = sorted(
        (g for g in goals if g.status == "active"), key=lambda g: (g.horizon != "long", g.title)
    )
    return [
        {
            "horizon": g.horizon,
            "title": g.title,
            "why": g.why,
            "by_when": g.by_when,
            "supports": g.supports,
            "challenges": g.challenges,
            "plan_b": g.plan_b,
            "steps": [
                {
                    "description": a.description,
                    "owner": a.owner,
                    "due_on": a.due_on,
                    "done": a.status == "completed",
                }
                for a in sorted(g.actions.values(), key=lambda a: a.due_on)
                if a.status in ("planned", "completed")
            ],
        }
        for g in active
    ]


def render_html(goals: list[Goal], lang: str, today: dt.date) -> str:
    return _templates.get_template("plan.html").render(
        goals=plan_document(goals), t=WORDS[lang], lang=lang, today=today
    )


def render_pdf(goals: list[Goal], lang: str, today: dt.date) -> bytes:
    t = WORDS[lang]
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, t["title"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, f"{t['printed']} {today:%d-%m-%Y}", new_x="LMARGIN", new_y="NEXT")
    document = plan_document(goals)
    if not document:
        _line(pdf, t["empty"])
    for goal in document:
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 13)
        heading = t["long"] if goal["horizon"] == "long" else t["short"]
        _line(pdf, f"{heading}: {goal['title']}", height=7)
        pdf.set_font("Helvetica", "", 11)
        for key in ("why", "plan_b"):
            if goal[key]:
                _line(pdf, f"{t[key]}: {goal[key]}")
        if goal["by_when"]:
            _line(pdf, f"{t['by_when']}: {goal['by_when']:%d-%m-%Y}")
        for step in goal["steps"]:
            mark = "[x]" if step["done"] else "[ ]"
            who = t["owners"][step["owner"]]
            _line(pdf, f"{mark} {step['description']} - {who}, {step['due_on']:%d-%m-%Y}")
    return bytes(pdf.output())


def _line(pdf: FPDF, text: str, height: float = 6) -> None:
    latin = latin1(text)  # the PDF's core font covers Latin-1
    pdf.multi_cell(0, height, latin, new_x="LMARGIN", new_y="NEXT")
