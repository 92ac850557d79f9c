"""Templates in plain Dutch and English, and an organisation's own wording over them."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from steiger.notifications.messages import MessageTemplates

AMS = ZoneInfo("Europe/Amsterdam")
TEMPLATES = MessageTemplates()
ACTION = {"description": "Bel de schuldhulp", "due_on": "2026-12-10"}


@pytest.mark.parametrize(
    ("language", "subject", "line"),
    [
        ("nl", "Herinnering: Bel de schuldhulp (donderdag 10 december)", "Morgen is de dag"),
        ("en", "Reminder: Bel de schuldhulp (Thursday 10 December)", "Tomorrow is the day"),
    ],
)
def test_action_reminders_in_both_languages(language, subject, line):
    context = {"action": ACTION, "due_on": dt.date(2026, 12, 10), "days_left": 1}
    message = TEMPLATES.render("action-reminder", language, context)
    assert message.subject == subject
    assert line in message.body


def test_a_reminder_without_planning_details_uses_general_words():
    context = {"action": {}, "due_on": dt.date(2026, 12, 10), "days_left": 0}
    message = TEMPLATES.render("action-reminder", "nl", context)
    assert message.subject == "Herinnering: je actie (donderdag 10 december)"
    assert "Vandaag is de dag: je actie." in message.body


def test_meeting_summary_lists_steps_and_risks_and_meeting_times_are_local():
    context = {
        "held_on": dt.date(2026, 12, 10),
        "summary": "We hebben je schulden op een rij gezet.",
        "actions": [{"description": "Bel de schuldhulp", "due_on": dt.date(2026, 12, 17)}],
        "risks": ["De huur gaat omhoog in januari"],
    }
    nl = TEMPLATES.render("meeting-summary", "nl", context)
    assert nl.subject == "Wat we hebben afgesproken op donderdag 10 december"
    assert "- Bel de schuldhulp (uiterlijk donderdag 17 december)" in nl.body
    assert "- De huur gaat omhoog in januari" in nl.body
    en = TEMPLATES.render("meeting-summary", "en", context)
    assert "- Bel de schuldhulp (by Thursday 17 December)" in en.body
    at = dt.datetime(2026, 12, 10, 13, 30, tzinfo=dt.UTC)  # 14:30 in Amsterdam
    reminder = TEMPLATES.render("meeting-reminder", "en", {"at": at, "place": "Stadhuis"})
    assert reminder.subject == "Meeting with your mentor: Thursday 10 December, 14:30"


def test_celebrations_with_amounts_in_the_language_of_the_participant():
    assert TEMPLATES.render("reward-earned", "nl", {"amount": "20.00"}).subject == (
        "Je hebt een beloning verdiend: €\u00a020,00"  # CLDR: a no-break space
    )
    assert TEMPLATES.render("reward-earned", "en", {"amount": "20.00"}).subject == (
        "You earned a reward: €20.00"
    )
    achieved = TEMPLATES.render("goal-achieved", "nl", {"goal": {"title": "Schuldenvrij"}})
    assert "Je hebt je doel bereikt: Schuldenvrij." in achieved.body


def test_an_organisation_overrides_one_template_and_keeps_the_others(tmp_path):
    (tmp_path / "nl").mkdir()
    (tmp_path / "nl" / "reward-earned.txt").write_text(
        "{% block subject %}Top, {{ amount | money(language) }} erbij!{% endblock %}"
        "{% block body %}Groet van team Schuldhulp Alphen.{% endblock %}"
    )
    own = MessageTemplates(tmp_path)
    assert own.render("reward-earned", "nl", {"amount": "5"}).subject == "Top, €\u00a05,00 erbij!"
    assert own.render("reward-earned", "en", {"amount": "5"}).subject.startswith("You earned")


def test_an_unknown_language_falls_back_to_dutch():
    assert TEMPLATES.render("goal-achieved", "tr", {}).subject.startswith("Gefeliciteerd")
