"""The participant page's potential goals: in the user's language, with the rank the
participant gave each one they chose."""

from __future__ import annotations

from steiger.web.participant import potential_goals_view

FOUND = {
    "potential_goals": [
        {"column": "debts", "name": {"nl": "Schulden", "en": "Debts"}, "step": 1,
         "now": {"nl": "Schulden zonder overzicht", "en": "Debts without an overview"},
         "target_step": 2,
         "target": {"nl": "Schulden met overzicht", "en": "Debts with an overview"},
         "points_gained": 1},
        {"column": "income", "name": {"nl": "Inkomen", "en": "Income"}, "step": 2,
         "now": {"nl": "Te laag", "en": "Too low"}, "target_step": 3,
         "target": {"nl": "Net genoeg", "en": "Just enough"}, "points_gained": 1},
    ],
    "priorities": [{"rank": 1, "column": "income", "target_step": 3}],
}  # fmt: skip


def test_the_view_speaks_the_users_language_and_marks_the_chosen_ones():
    english = potential_goals_view(FOUND, "en")
    assert [(g["name"], g["target"], g["rank"]) for g in english] == [
        ("Debts", "Debts with an overview", None),
        ("Income", "Just enough", 1),
    ]
    assert potential_goals_view(FOUND, "nl")[0]["now"] == "Schulden zonder overzicht"
    assert potential_goals_view(None, "nl") == []
