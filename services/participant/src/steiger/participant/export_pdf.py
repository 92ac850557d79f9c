"""The subject access export (GDPR art. 15) as a document a person can read, in their own
language: the same content as the JSON, section by section, every field with a label in
words, dates as dates. Labels are in one place per language (`WORDS`); a field without one
is shown by its name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from fpdf import FPDF

from steiger.shared.pdf_text import latin1

WORDS: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Inzage: alles wat Steiger over u bewaart",
        "made": "Gemaakt op",
        "complete": "Volledig: elk onderdeel van Steiger heeft geantwoord.",
        "incomplete": "Niet volledig: een onderdeel kon niet worden gevraagd (zie hieronder).",
        "participant": "Uw gegevens",
        "held_by_other_services": "Wat de andere onderdelen bewaren",
        "who_looked": "Wie uw dossier heeft ingezien of gewijzigd",
        "bridge": "De Brug (posities, notities, vragenlijsten)",
        "planning": "Doelen, acties, gesprekken en groepen",
        "rewards": "Beloningen en jaaroverzichten",
        "notifications": "Herinneringen en berichten",
        "reporting": "Voortgang",
        "unavailable": "Niet bereikbaar",
        "name": "Naam",
        "birth_year": "Geboortejaar",
        "phone": "Telefoon",
        "email": "E-mail",
        "address": "Adres",
        "bsn": "BSN",
        "external_id": "Nummer in het eigen systeem",
        "language": "Taal",
        "programme": "Programma",
        "municipality": "Gemeente",
        "neighbourhood": "Wijk",
        "household": "Huishouden",
        "status_history": "Status door de tijd",
        "consents": "Toestemmingen",
        "contact_preferences": "Contactvoorkeuren",
        "contact_disclosures": "Aan wie uw contactgegevens zijn gegeven",
        "rectifications": "Correcties",
        "household_changes": "Veranderingen in het huishouden",
        "restrictions": "Beperkingen van de verwerking",
        "previously": "Eerder",
        "reason": "Reden",
        "positions": "Posities op de Brug",
        "executive_skills": "Vragenlijsten uitvoerende functies",
        "goals": "Doelen",
        "title_": "Doel",
        "actions": "Acties",
        "description": "Omschrijving",
        "meetings": "Gesprekken",
        "summary": "Samenvatting",
        "risks": "Risico's",
        "groups": "Groepen",
        "statements": "Jaaroverzichten",
        "earned": "Verdiend",
        "withheld": "Niet toegekend",
        "sent": "Verstuurd",
        "skipped": "Overgeslagen",
        "cancelled": "Geannuleerd",
        "failed": "Mislukt",
        "pending": "Gepland",
        "at": "Op",
        "on": "Op",
        "subject": "Door (gebruiker)",
        "operation": "Handeling",
        "yes": "ja",
        "no": "nee",
    },
    "en": {
        "title": "Subject access: everything Steiger holds about you",
        "made": "Made on",
        "complete": "Complete: every part of Steiger answered.",
        "incomplete": "Not complete: a part could not be asked (see below).",
        "participant": "Your details",
        "held_by_other_services": "What the other parts hold",
        "who_looked": "Who read or changed your file",
        "bridge": "The Bridge (positions, notes, questionnaires)",
        "planning": "Goals, actions, meetings and groups",
        "rewards": "Rewards and yearly statements",
        "notifications": "Reminders and messages",
        "reporting": "Progress",
        "unavailable": "Could not be reached",
        "name": "Name",
        "birth_year": "Year of birth",
        "external_id": "Number in the organisation's own system",
        "status_history": "Status over time",
        "contact_disclosures": "To whom your contact details were given",
        "rectifications": "Corrections",
        "household_changes": "Changes in the household",
        "restrictions": "Restrictions of processing",
        "executive_skills": "Executive skills questionnaires",
        "withheld": "Not awarded",
        "subject": "By (user)",
        "yes": "yes",
        "no": "no",
    },
}
"""Labels per language; English falls back on the field's own (English) name."""

MARGIN = 15.0
INDENT = 5.0


def render_export(export: Mapping[str, Any], lang: str, today: dt.date) -> bytes:
    words = WORDS.get(lang, WORDS["nl"])
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=MARGIN)
    pdf.set_margins(MARGIN, MARGIN)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    _line(pdf, words["title"], 0, height=9)
    pdf.set_font("Helvetica", "", 10)
    _line(pdf, f"{words['made']} {today:%d-%m-%Y}", 0)
    _line(pdf, words["complete" if export.get("complete") else "incomplete"], 0)
    for section in ("participant", "held_by_other_services", "who_looked"):
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 13)
        _line(pdf, _label(section, words), 0, height=8)
        pdf.set_font("Helvetica", "", 10)
        _render(pdf, export.get(section), 0, words)
    return bytes(pdf.output())


def _render(pdf: FPDF, value: Any, depth: int, words: Mapping[str, str]) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if item in (None, [], {}, ""):
                continue
            if _scalar(item):
                _line(pdf, f"{_label(key, words)}: {_text(item, words)}", depth)
            else:
                pdf.set_font("Helvetica", "B", 10)
                _line(pdf, _label(key, words), depth)
                pdf.set_font("Helvetica", "", 10)
                _render(pdf, item, depth + 1, words)
    elif isinstance(value, list):
        for number, item in enumerate(value, 1):
            if _scalar(item):
                _line(pdf, f"- {_text(item, words)}", depth)
            else:
                _line(pdf, f"{number}.", depth)
                _render(pdf, item, depth + 1, words)
    elif value is not None:
        _line(pdf, _text(value, words), depth)


def _scalar(value: Any) -> bool:
    return not isinstance(value, Mapping | list)


def _label(key: str, words: Mapping[str, str]) -> str:
    found = words.get("title_" if key == "title" else key)
    return found or key.replace("_", " ").capitalize()


def _text(value: Any, words: Mapping[str, str]) -> str:
    if isinstance(value, bool):
        return words["yes"] if value else words["no"]
    if isinstance(value, dt.datetime):
        return f"{value:%d-%m-%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d-%m-%Y}"
    if isinstance(value, str):
        try:  # the other services' parts arrive as JSON: their dates as ISO text
            return _text(dt.datetime.fromisoformat(value), words) if "T" in value else value
        except ValueError:
            return value
    return str(value)  # numbers, amounts, ids


def _line(pdf: FPDF, text: str, depth: int, height: float = 5.5) -> None:
    latin = latin1(text)  # the PDF's core font covers Latin-1
    pdf.set_x(MARGIN + min(depth, 8) * INDENT)
    pdf.multi_cell(0, height, latin, new_x="LMARGIN", new_y="NEXT")
