"""The mentors' web app in a real browser (Debian's Chromium, driven by Playwright) against
the whole system as `make run` starts it: the development issuer's sign-in, the six services
and the web app as separate processes. axe-core checks every page the tests visit for WCAG
2.1 AA; the main pages are photographed into var/screenshots (not committed)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from steiger.cli.runtime import System

from ..waiting import eventually
from .browsing import CHROMIUM_FLAGS, SCREENSHOTS, accessibility_violations, axe_source, chromium
from .conftest import staff_token, start_system

pytestmark = pytest.mark.e2e
PARTICIPANT_PAGE = re.compile(r"/participants/[0-9a-f-]{36}$")


@pytest.fixture(scope="module")
def web_system(tmp_path_factory) -> Iterator[System]:
    running = start_system(tmp_path_factory.mktemp("web"), web=True)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def axe() -> str:
    return axe_source()


class Visit:
    """A user's tab: signs in as a demo user, checks every page it lands on with axe-core."""

    def __init__(self, browser: Any, system: System, axe: str, javascript: bool = True) -> None:
        self.context = browser.new_context(locale="nl-NL", java_script_enabled=javascript)
        self.javascript = javascript
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        assert system.web is not None
        self.base = system.web.url
        self.axe = axe
        self.checked: list[str] = []

    def accessible(self, what: str) -> None:
        if not self.javascript:  # axe-core is a script; these pages are checked with it on
            return
        violations = accessibility_violations(self.page, self.axe)
        assert violations == [], f"{what}: {violations}"
        self.checked.append(what)

    def sign_in(self, name: str) -> None:
        self.sign_in_to(name, "/")

    def sign_in_to(self, name: str, landing: str) -> None:
        self.page.goto(self.base + "/")
        # not signed in: off to the issuer, whose page offers the demo users
        assert "/authorize" in self.page.url
        self.accessible("the development issuer's sign-in page")
        self.page.get_by_role("button", name=name).click()
        self.page.wait_for_url(self.base + landing)

    def csrf(self) -> str:
        """The session's CSRF token, as the forms of the page at hand carry it."""
        return str(self.page.locator('input[name="csrf"]').first.get_attribute("value"))

    def photograph(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(web_system, axe, browser) -> Iterator[Any]:
    opened: list[Visit] = []

    def open_visit(javascript: bool = True) -> Visit:
        opened.append(Visit(browser, web_system, axe, javascript))
        return opened[-1]

    yield open_visit
    for tab in opened:
        tab.close()


def register(page: Any, name: str, bsn: str = "", children: int = 2) -> None:
    page.get_by_role("link", name="Nieuwe deelnemer").first.click()
    page.get_by_role("heading", name="Nieuwe deelnemer").wait_for()
    page.get_by_role("textbox", name="Naam", exact=True).fill(name)
    page.get_by_label("Geboortejaar").fill("1988")
    page.get_by_label("BSN").fill(bsn)
    page.get_by_label("Gemeente").fill("Alphen aan den Rijn")
    page.get_by_label("Schoolgaande kinderen").fill(str(children))
    page.get_by_role("button", name="Deelnemer inschrijven").click()


def test_a_mentor_takes_a_participant_from_intake_to_a_reward(visit) -> None:
    anna = visit()
    page = anna.page
    anna.sign_in("Anna de Vries")
    assert page.get_by_role("heading", name="Mijn deelnemers").is_visible()
    anna.accessible("the caseload, empty")

    # a BSN that fails the eleven-test: said beside the field, what was typed kept
    register(page, "Fatima El Amrani", bsn="123456789")
    error = page.locator("#f-bsn-error")
    error.wait_for()
    assert page.get_by_role("textbox", name="Naam", exact=True).input_value() == "Fatima El Amrani"
    assert page.get_by_label("BSN").get_attribute("aria-invalid") == "true"
    anna.accessible("the intake with an error")
    page.get_by_label("BSN").fill("111222333")
    page.get_by_role("button", name="Deelnemer inschrijven").click()
    page.wait_for_url(PARTICIPANT_PAGE)
    assert page.get_by_role("heading", name="Fatima El Amrani", level=1).is_visible()
    assert page.get_by_text("Nog geen meting").is_visible()
    participant_url = page.url
    anna.accessible("a new participant's page")

    # the Bridge: a click per column, then save
    bridge = page.locator("#bridge")
    for column in ("housing", "family", "health", "social-network", "education", "debts",
                   "savings", "income"):  # fmt: skip
        bridge.locator(f'input[name="step-{column}"][value="2"]').check()
    bridge.locator('input[name="step-debts"][value="1"]').check()
    bridge.get_by_role("button", name="Meting opslaan").click()
    current = bridge.locator(".bridge__cell--current")
    current.first.wait_for()
    assert current.count() == 8
    assert (
        "Schulden zonder overzicht"
        in bridge.locator('.bridge__cell--current:has(input[name="step-debts"])').inner_text()
    )
    assert page.get_by_text("Nog geen meting").count() == 0
    # finding goals: each pillar's next step, debts (the lowest) first
    first = page.locator("#potential-goals li").first
    assert "Schulden met overzicht" in first.inner_text()

    # a goal on debts, an action with a reward, completed
    goals = page.locator("#goals")
    goals.get_by_label("Doel in de woorden van de deelnemer").fill("Overzicht over mijn schulden")
    goals.get_by_label("Pijler van de Brug").select_option("debts")
    goals.get_by_label("Doelstap").select_option("3")
    goals.get_by_role("button", name="Doel vastleggen").click()
    goal = page.locator("article.goal", has_text="Overzicht over mijn schulden")
    goal.wait_for()
    goal.get_by_text("Actie plannen").first.click()  # opens the disclosure
    goal.get_by_label("Actie").fill("DigiD aanvragen")
    goal.get_by_label("Beloning bij voltooien").select_option("digid-applied")
    goal.get_by_role("button", name="Actie plannen").click()
    action = page.locator("li.action", has_text="DigiD aanvragen")
    action.wait_for()
    assert "Gepland" in action.inner_text()
    anna.accessible("the participant's page with a goal and an action")
    action.get_by_role("button", name="Gedaan: DigiD aanvragen").click()
    page.locator("li.action--completed", has_text="DigiD aanvragen").wait_for()

    # the reward: earned by the rewards service from planning's event, shown on the page
    def reward_shown() -> bool:
        page.goto(participant_url)
        return page.locator("#rewards table.ledger").count() == 1

    eventually(reward_shown, timeout=30, interval=0.5)
    ledger = page.locator("#rewards").inner_text()
    assert "€ 20" in ledger
    statement = page.locator("#rewards table.statement")
    assert "DigiD" in statement.inner_text() and "Verdiend" in statement.inner_text()
    anna.accessible("the participant's page with a reward")
    anna.photograph("participant")

    # the printable plan, in the user's session
    plan = page.request.get(participant_url + "/plan.pdf")
    assert plan.status == 200
    assert plan.headers["content-type"] == "application/pdf"
    assert plan.body().startswith(b"%PDF")

    # the caseload shows her, with the Bridge and the actions
    page.get_by_role("link", name="Mijn deelnemers").first.click()
    row = page.locator("table.caseload tbody tr", has_text="Fatima El Amrani")
    row.wait_for()
    assert "Volgende actie" in page.locator("table.caseload thead").inner_text()
    anna.accessible("the caseload with a participant")
    anna.photograph("caseload")

    # a second mentor is refused that participant: a clear page, not a stack trace
    bram = visit()
    bram.sign_in("Bram Jansen")
    refused = bram.page.goto(participant_url)
    assert refused is not None and refused.status == 403
    assert bram.page.get_by_role("heading", name="Geen toegang").is_visible()
    assert "Fatima" not in bram.page.content()
    bram.accessible("the refusal")
    bram.page.goto(bram.base + "/")
    assert "Fatima" not in bram.page.locator("main").inner_text()

    # the team lead sees the team's caseloads, Anna's among them
    carla = visit()
    carla.sign_in("Carla Smit")
    carla.page.get_by_role("heading", name="Deelnemers van mijn team").wait_for()
    row = carla.page.locator("table.caseload tbody tr", has_text="Fatima El Amrani")
    assert "Anna de Vries" in row.inner_text()
    carla.page.get_by_label("Mentor").select_option(label="Bram Jansen")
    carla.page.get_by_role("button", name="Filter").click()
    carla.page.wait_for_url(re.compile(r"mentor="))
    assert "Fatima" not in carla.page.locator("main").inner_text()
    carla.accessible("the team's caseloads")


def test_pages_need_a_session_and_forms_need_its_token(visit) -> None:
    anna = visit()
    page = anna.page
    anna.sign_in("Anna de Vries")
    # a form posted without the session's CSRF token changes nothing
    forged = page.request.post(
        anna.base + "/participants",
        form={
            "name": "Vervalst",
            "birth_year": "1980",
            "municipality": "X",
            "programme": "p",
            "adults": "1",
        },  # fmt: skip
    )
    assert forged.status == 403
    page.goto(anna.base + "/")
    assert "Vervalst" not in page.content()
    # an address no page has is a page saying so, not a server's JSON
    not_an_id = page.request.get(anna.base + "/participants/not-an-id")
    no_such_change = page.request.post(
        anna.base + f"/participants/{uuid.uuid4()}/goals/{uuid.uuid4()}/actions/{uuid.uuid4()}/z",
        headers={"X-CSRF-Token": anna.csrf()},
    )
    for wrong in (not_an_id, no_such_change):
        assert wrong.status == 404 and "text/html" in wrong.headers["content-type"], wrong.url
    # English by choice, Dutch first
    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="My participants").wait_for()
    anna.accessible("the caseload in English")
    page.get_by_role("button", name="Nederlands").click()
    page.get_by_role("heading", name="Mijn deelnemers").wait_for()
    # signing out ends the session: the next page asks to sign in again
    page.get_by_role("button", name="Uitloggen").click()
    page.get_by_role("heading", name="U bent uitgelogd").wait_for()
    anna.accessible("signed out")
    page.goto(anna.base + "/")
    assert "/authorize" in page.url
    # a forged session cookie is no session
    anna.context.add_cookies([{"name": "steiger_session", "value": "Zm9yZ2Vk", "url": anna.base}])
    page.goto(anna.base + "/participants/new")
    assert "/authorize" in page.url


def test_a_mentor_takes_in_and_assesses_with_the_keyboard_alone(visit) -> None:
    anna = visit()
    page = anna.page
    anna.sign_in("Anna de Vries")

    def focused() -> str:
        return page.evaluate("document.activeElement.textContent.trim()")

    def tab_to(text: str, limit: int = 30) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if focused() == text:
                return
        raise AssertionError(f"{text!r} cannot be reached with Tab")

    def tab_to_element(element_id: str, limit: int = 30) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == element_id:
                return
        raise AssertionError(f"#{element_id} cannot be reached with Tab")

    page.keyboard.press("Tab")
    assert focused() == "Naar de inhoud"  # the first stop skips the navigation
    tab_to("Nieuwe deelnemer")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Nieuwe deelnemer").wait_for()
    # the intake's fields in reading order, each reached with Tab
    for field, value in (("f-name", "Kees Toetsenbord"), ("f-birth_year", "1979"),
                         ("f-municipality", "Gouda")):  # fmt: skip
        tab_to_element(field)
        page.keyboard.type(value)
    page.keyboard.press("Enter")  # submits the form
    page.wait_for_url(PARTICIPANT_PAGE)
    # the Bridge: Tab into a column's steps, arrows choose the step, Tab to the next column
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "step-housing":
            break
    page.keyboard.press("Space")
    page.keyboard.press("ArrowUp")  # radio groups move with the arrows
    chosen = page.evaluate("document.activeElement.value")
    tab_to("Meting opslaan", limit=60)
    page.keyboard.press("Enter")
    current = page.locator('.bridge__cell--current:has(input[name="step-housing"])')
    current.wait_for()
    assert current.locator("input").get_attribute("value") == chosen


def test_a_privacy_officer_reads_the_trail_exports_and_erases_with_a_confirmation(visit) -> None:
    anna = visit()
    anna.sign_in("Anna de Vries")
    register(anna.page, "Samira Wissen")
    anna.page.wait_for_url(PARTICIPANT_PAGE)
    participant_id = anna.page.url.rsplit("/", 1)[1]

    dirk = visit()
    dirk.sign_in_to("Dirk Bakker", "/privacy")
    page = dirk.page
    assert page.get_by_role("link", name="Mijn deelnemers").count() == 0  # not a mentor
    page.get_by_label("Deelnemernummer").fill("niet-een-nummer")
    page.get_by_role("button", name="Dossier openen").click()
    page.locator("#participant-error").wait_for()
    dirk.accessible("the privacy page with an error")
    page.get_by_label("Deelnemernummer").fill(participant_id)
    page.get_by_role("button", name="Dossier openen").click()
    page.get_by_role("heading", name="Auditspoor").wait_for()
    trail = page.locator("table.trail").inner_text()
    # Anna's visit, in every service her page asked
    assert "GET /participants/{participant_id}" in trail and "(mentor)" in trail
    assert {"participant", "bridge", "planning", "rewards"} <= set(trail.split())
    dirk.accessible("a participant's file for the privacy officer")
    dirk.photograph("privacy")
    export = page.request.get(f"{dirk.base}/privacy/participants/{participant_id}/export.pdf")
    assert export.status == 200 and export.body().startswith(b"%PDF")

    # a mentor cannot erase: the participant service refuses (and audits) it
    mentor_erases = anna.page.request.post(
        f"{anna.base}/privacy/participants/{participant_id}/erasure",
        form={"confirm": participant_id},
        headers={"X-CSRF-Token": anna.csrf()},
    )
    assert mentor_erases.status == 403
    assert anna.page.goto(f"{anna.base}/participants/{participant_id}").status == 200

    # a confirmation that is not this participant's number erases nothing
    page.get_by_label("Typ het deelnemernummer ter bevestiging").fill("ja")
    page.get_by_role("button", name="Definitief wissen").click()
    page.get_by_text("Er is niets gewist").wait_for()
    assert anna.page.goto(f"{anna.base}/participants/{participant_id}").status == 200

    page.get_by_label("Typ het deelnemernummer ter bevestiging").fill(participant_id)
    page.get_by_role("button", name="Definitief wissen").click()
    page.get_by_role("heading", name="Gewist").wait_for()
    dirk.accessible("erased")
    gone = anna.page.goto(f"{anna.base}/participants/{participant_id}")
    assert gone is not None and gone.status == 410
    assert "Samira" not in anna.page.content()
    anna.accessible("an erased participant's page")


def test_a_mentor_reschedules_cancels_pauses_and_sees_the_bridge_over_time(visit) -> None:
    anna = visit()
    page = anna.page
    anna.sign_in("Anna de Vries")
    register(page, "Dennis Verzet", children=0)  # a household the cost table has a row for
    page.wait_for_url(PARTICIPANT_PAGE)
    bridge = page.locator("#bridge")
    for value in ("1", "3"):  # two assessments: the chart draws the way
        bridge.locator(f'input[name="step-income"][value="{value}"]').check()
        bridge.get_by_role("button", name="Meting opslaan").click()
        page.locator(
            f'.bridge__cell--current:has(input[name="step-income"][value="{value}"])'
        ).wait_for()
    chart = page.locator("figure.chart")
    assert chart.locator("tbody tr").count() == 2
    assert chart.get_by_role("img", name="Punten op de Brug per meting").is_visible()

    goals = page.locator("#goals")
    goals.get_by_label("Doel in de woorden van de deelnemer").fill("Werk vinden")
    goals.get_by_role("button", name="Doel vastleggen").click()
    goal = page.locator("article.goal", has_text="Werk vinden")
    for description in ("Cv maken", "Vacatures zoeken"):
        goal.wait_for()
        goal.get_by_text("Actie plannen").first.click()
        goal.get_by_label("Actie", exact=True).fill(description)
        goal.get_by_role("button", name="Actie plannen").click()
        page.locator("li.action", has_text=description).wait_for()

    cv = page.locator("li.action", has_text="Cv maken")
    cv.get_by_text("Verzetten of annuleren").click()
    cv.get_by_label("Nieuwe datum").fill("2031-01-15")
    # without a reason the browser does not send it; sent anyway, planning refuses it and the
    # page says so beside the goal, nothing changed
    cv.get_by_role("button", name="Verzetten").click()
    reason = cv.locator('input[name="reason"]').first
    assert reason.evaluate("field => field.validity.valueMissing")
    action_path = cv.locator("form[action$='/reschedule']").get_attribute("action")
    refused = page.request.post(
        anna.base + str(action_path),
        form={"due_on": "2031-01-15", "reason": ""},
        headers={"X-CSRF-Token": anna.csrf()},
    )
    assert refused.status == 422 and "notice--error" in refused.text()
    page.reload()
    cv = page.locator("li.action", has_text="Cv maken")
    assert "2031-01-15" not in cv.inner_text()
    cv.get_by_text("Verzetten of annuleren").click()
    cv.get_by_label("Nieuwe datum").fill("2031-01-15")
    cv.locator('input[name="reason"]').first.fill("Eerst de computercursus")
    cv.get_by_role("button", name="Verzetten").click()
    page.locator("li.action", has_text="2031-01-15").wait_for()

    search = page.locator("li.action", has_text="Vacatures zoeken")
    search.get_by_text("Verzetten of annuleren").click()
    search.locator('input[name="reason"]').last.fill("Niet meer nodig")
    search.get_by_role("button", name="Annuleren").click()
    page.locator("li.action--cancelled", has_text="Vacatures zoeken").wait_for()

    status = page.locator("#status")
    status.get_by_label("Reden van de pauze").fill("Ziekenhuisopname")
    status.get_by_role("button", name="Pauzeren").click()
    page.locator("dl.facts .status--paused").wait_for()
    assert "Ziekenhuisopname" in page.locator("#status").inner_text()
    page.locator("#status").get_by_role("button", name="Hervatten").click()
    page.locator("dl.facts .status--active").wait_for()

    # a meeting planned, then its minutes: the crisis and the goals, the summary for them
    meetings = page.locator("#meetings")
    meetings.get_by_text("Gesprek plannen").first.click()
    meetings.get_by_label("Wanneer").fill("2026-11-30T10:00")
    meetings.get_by_label("Waar").fill("Wijkcentrum")
    meetings.get_by_role("button", name="Gesprek plannen").click()
    meeting = page.locator("li.meeting", has_text="2026-11-30 10:00")
    meeting.wait_for()
    assert "Wijkcentrum" in meeting.inner_text()
    meeting.get_by_text("Verslag vastleggen").click()
    meeting.get_by_label("Minuten aan crisis").fill("20")
    meeting.get_by_label("Minuten aan doelen").fill("40")
    meeting.get_by_label("Samenvatting voor de deelnemer, in gewone taal").fill(
        "We hebben de brief van de deurwaarder samen gelezen."
    )
    meeting.get_by_role("button", name="Verslag opslaan").click()
    page.locator("li.meeting", has_text="deurwaarder samen gelezen").wait_for()

    # how and when they want their reminders
    contact = page.locator("#contact")
    contact.get_by_label("Sms").check()
    contact.get_by_label("E-mail").uncheck()
    contact.get_by_label("Liefst in de").select_option("evening")
    contact.get_by_role("button", name="Voorkeuren opslaan").click()
    page.locator('#contact select option[value="evening"][selected]').wait_for(state="attached")
    assert page.locator("#contact").get_by_label("Sms").is_checked()
    assert not page.locator("#contact").get_by_label("E-mail").is_checked()
    page.locator("#contact").get_by_label("Sms").uncheck()  # no channel at all: refused
    page.locator("#contact").get_by_role("button", name="Voorkeuren opslaan").click()
    page.locator("#contact .notice--error").wait_for()

    # the index for their household against their income now; nothing is recorded
    eix = page.locator("#eix")
    eix.get_by_label("Netto inkomen van het huishouden per maand (€)").fill("1450")
    eix.get_by_role("button", name="Berekenen").click()
    result = page.locator("#eix .eix-result")
    result.wait_for()
    assert "€ 1450" in result.inner_text() and "Verschil" in result.inner_text()
    eix = page.locator("#eix")
    eix.get_by_label("Netto inkomen van het huishouden per maand (€)").fill("veel")
    eix.get_by_role("button", name="Berekenen").click()
    page.locator("#eix .notice--error").wait_for()
    anna.accessible("the participant's page after rescheduling, cancelling and a pause")


def test_the_intake_names_the_existing_file_of_a_duplicate_and_the_field_at_fault(visit) -> None:
    anna = visit()
    page = anna.page
    anna.sign_in("Anna de Vries")
    register(page, "Ayla Dubbel", bsn="999999990")
    page.wait_for_url(PARTICIPANT_PAGE)
    first = page.url

    page.get_by_role("link", name="Nieuwe deelnemer").first.click()
    page.get_by_role("heading", name="Nieuwe deelnemer").wait_for()
    page.get_by_role("textbox", name="Naam", exact=True).fill("Ayla D.")
    page.get_by_label("Geboortejaar").fill("1990")
    page.get_by_label("BSN").fill("999999990")
    page.get_by_label("Straat").fill("Raadhuisstraat")
    page.get_by_label("Huisnummer").fill("12")
    page.get_by_label("Postcode").fill("12345")  # not a Dutch postcode
    page.get_by_label("Woonplaats").fill("Alphen aan den Rijn")
    page.get_by_label("Gemeente").fill("Alphen aan den Rijn")
    page.get_by_role("button", name="Deelnemer inschrijven").click()
    page.locator("#f-postcode-error").wait_for()
    assert page.get_by_label("Straat").input_value() == "Raadhuisstraat"  # kept
    anna.accessible("the intake with an address at fault")
    page.get_by_label("Postcode").fill("2405 BH")
    page.get_by_role("button", name="Deelnemer inschrijven").click()
    existing = page.get_by_role("link", name="Open het bestaande dossier")
    existing.wait_for()
    assert page.get_by_text("Deze deelnemer is al ingeschreven.").is_visible()
    anna.accessible("the intake of a duplicate")
    existing.click()
    page.wait_for_url(first)


def test_a_mentor_records_consent_household_and_a_correction_and_a_team_lead_transfers(
    visit, web_system
) -> None:
    admin = {"Authorization": f"Bearer {staff_token(web_system)}"}
    registered = httpx.post(
        web_system.services["notifications"].url + "/partners",
        json={
            "key": "schuldhulp-web",
            "name": "Schuldhulp Rijnstreek",
            "oin": "00000001234567890000",
            "contact_email": "beheer@schuldhulp.example",
            "client_id": "partner-schuldhulp-web",
        },
        headers=admin,
    )
    assert registered.status_code == 201, registered.text

    anna = visit()
    page = anna.page
    anna.sign_in("Anna de Vries")
    register(page, "Fenna Dossier", children=1)
    page.wait_for_url(PARTICIPANT_PAGE)
    participant_url = page.url

    # consent to share with a chain partner, for two kinds of data, with its reference; the
    # form swaps its own section (and what depends on it), not the whole page
    page.locator("#bridge").evaluate("section => { section.dataset.kept = 'yes' }")
    consent = page.locator("#consent")
    consent.get_by_text("Toestemming vastleggen").first.click()
    consent.get_by_label("Waarvoor").select_option("partner-sharing")
    consent.get_by_label("Ketenpartner", exact=True).select_option(label="Schuldhulp Rijnstreek")
    consent.get_by_label("Doelen en acties").check()
    consent.get_by_label("Beloningen").check()
    consent.get_by_label("kenmerk bij de partner").fill("SH-2026-0042")
    consent.get_by_role("button", name="Toestemming vastleggen").click()
    shared = page.locator("#consent li", has_text="schuldhulp-web")
    shared.wait_for()
    assert "planning, rewards" in shared.inner_text() and "SH-2026-0042" in shared.inner_text()
    assert page.locator("#bridge").get_attribute("data-kept") == "yes"
    # no categories named: the participant service refuses, the page says so, nothing kept
    consent = page.locator("#consent")
    consent.get_by_text("Toestemming vastleggen").first.click()
    consent.get_by_label("Waarvoor").select_option("partner-sharing")
    consent.get_by_label("Ketenpartner", exact=True).select_option(label="Schuldhulp Rijnstreek")
    consent.get_by_role("button", name="Toestemming vastleggen").click()
    page.locator("#consent .notice--error").wait_for()
    anna.accessible("the participant's page with a refused consent")
    page.goto(participant_url)
    page.locator("#consent li", has_text="schuldhulp-web").get_by_role(
        "button", name=re.compile("Intrekken")
    ).click()
    page.locator("#consent .empty").wait_for()

    # a birth: the household grows, and the Bridge's index follows it
    household = page.locator("#file")
    household.get_by_text("Huishouden veranderd").click()
    household.get_by_label("Wat er veranderde").select_option("birth")
    household.get_by_label("Kinderen tot 4 jaar").fill("1")
    household.get_by_role("button", name="Huishouden vastleggen").click()
    page.locator("dl.facts", has_text="1 kinderen tot 4 jaar").wait_for()

    # a correction: only what changed, with the reason; a BSN failing the eleven-test refused
    correction = page.locator("#file")
    correction.get_by_text("Persoonsgegevens corrigeren").click()
    correction.get_by_label("Naam", exact=True).fill("Fenna Dossier-de Boer")
    correction.get_by_label("Reden van de correctie").fill("Naam na huwelijk")
    correction.get_by_role("button", name="Correctie vastleggen").click()
    page.get_by_role("heading", name="Fenna Dossier-de Boer", level=1).wait_for()
    correction = page.locator("#file")
    correction.get_by_text("Persoonsgegevens corrigeren").click()
    correction.get_by_label("BSN").fill("123456789")
    correction.get_by_label("Reden van de correctie").fill("Typefout")
    correction.get_by_role("button", name="Correctie vastleggen").click()
    refused = page.locator("#file .notice--error")
    refused.wait_for()
    assert "bsn" in refused.inner_text()
    anna.accessible("the participant's page with a refused correction")
    # a mentor may not transfer: the refusal is a page of its own, never swapped into a section
    transfer_path = participant_url.removeprefix(anna.base) + "/mentor"
    refused_transfer = page.request.post(
        anna.base + transfer_path,
        form={"mentor_id": "00000000-0000-4000-8000-000000000000", "reason": "x"},
        headers={"X-CSRF-Token": anna.csrf(), "HX-Request": "true"},
    )
    assert refused_transfer.status == 403
    assert refused_transfer.headers["hx-retarget"] == "body"
    anna.close()

    # the team lead transfers the participant to Bram; then Anna is refused, Bram is not
    carla = visit()
    carla.sign_in("Carla Smit")
    carla.page.goto(participant_url)
    transfer = carla.page.locator("#file")
    transfer.get_by_text("Overdragen aan een andere mentor").click()
    transfer.get_by_label("Nieuwe mentor").select_option(label="Bram Jansen")
    transfer.get_by_label("Reden", exact=True).fill("Verhuisd naar Bram's wijk")
    transfer.get_by_role("button", name="Overdragen").click()
    carla.page.locator("h1", has_text="Fenna Dossier-de Boer").wait_for()
    carla.accessible("the participant's page for a team lead")

    bram = visit()
    bram.sign_in("Bram Jansen")
    bram.page.goto(participant_url)
    bram.page.get_by_role("heading", name="Fenna Dossier-de Boer", level=1).wait_for()
    anna = visit()
    anna.sign_in("Anna de Vries")
    answer = anna.page.goto(participant_url)
    assert answer is not None and answer.status == 403


def test_a_mentor_ranks_goals_plans_a_hard_conversation_and_asks_the_questionnaire(visit) -> None:
    anna = visit()
    page = anna.page
    anna.sign_in("Anna de Vries")
    register(page, "Gijs Prioriteit")
    page.wait_for_url(PARTICIPANT_PAGE)
    participant_url = page.url
    bridge = page.locator("#bridge")
    bridge.locator('input[name="step-income"][value="1"]').check()
    bridge.locator('input[name="step-debts"][value="2"]').check()
    bridge.get_by_role("button", name="Meting opslaan").click()
    page.locator("#potential-goals").wait_for()

    # the participant ranks two potential goals; a goal is set from the first
    potential = page.locator("#potential-goals")
    potential.get_by_label(re.compile(r"^Prioriteit: .*Schulden", re.I)).select_option("1")
    potential.get_by_label(re.compile(r"^Prioriteit: .*Inkomen", re.I)).select_option("2")
    potential.get_by_role("button", name="Prioriteiten vastleggen").click()
    page.locator("#potential-goals .badge", has_text="prioriteit 1").wait_for()
    goals = page.locator("#goals")
    goals.get_by_label("Doel in de woorden van de deelnemer").fill("Schulden op een rij")
    goals.get_by_label("Vanuit een prioriteit van de deelnemer").select_option("1")
    goals.get_by_role("button", name="Doel vastleggen").click()
    goal = page.locator("article.goal", has_text="Schulden op een rij")
    goal.wait_for()
    assert "3" in goal.locator(".goal__meta").inner_text()  # debts at 2: the next step up

    # a hard conversation: the page offers morning times; one in the afternoon is flagged
    meetings = page.locator("#meetings")
    meetings.get_by_text("Gesprek plannen").first.click()
    offered = meetings.locator(".slots time")
    assert offered.count() >= 2
    mornings = meetings.locator(".slots p", has_text="Voor een moeilijk gesprek").locator("time")
    assert all(int(t.get_attribute("datetime")[11:13]) < 12 for t in mornings.all())
    meetings.get_by_label("Wanneer").fill("2031-03-04T15:00")
    meetings.get_by_label("Een moeilijk gesprek").check()
    meetings.get_by_role("button", name="Gesprek plannen").click()
    planned = page.locator("li.meeting", has_text="2031-03-04 15:00")
    planned.wait_for()
    assert "niet 's ochtends" in planned.inner_text()
    anna.accessible("the participant's page with priorities and a flagged meeting")

    # the questionnaire: a statement left out is named; all answered, the profile shows
    page.get_by_role("link", name="Vragenlijst executieve functies invullen").click()
    page.get_by_role("heading", name="Vragenlijst executieve functies").wait_for()
    anna.accessible("the executive-skills questionnaire")
    statements = page.locator("fieldset")
    count = statements.count()
    assert count == 36
    for n in range(count - 1):
        statements.nth(n).locator(f'input[value="{1 + n % 6}"]').check()
    refused = page.request.post(
        page.url,
        form={"csrf": anna.csrf()},
        headers={"Origin": anna.base},
    )
    assert refused.status == 422 and "Nog niet beantwoord." in refused.text()
    statements.nth(count - 1).locator('input[value="6"]').check()
    page.get_by_role("button", name="Antwoorden opslaan").click()
    page.wait_for_url(re.compile(re.escape(participant_url) + "(#eix)?$"))
    page.locator("#supports").wait_for()
    assert "geen diagnose" in page.locator("#eix").inner_text().lower()

    # the web app's own metrics: pages by route template, its calls to the services; no ids
    exposed = httpx.get(anna.base + "/metrics").text
    page_line = re.search(
        r'steiger_http_requests_total\{method="GET",route="/participants/\{participant_id\}",'
        r'status="200"\} (\d+)',
        exposed,
    )
    assert page_line is not None and int(page_line.group(1)) >= 3
    assert 'steiger_web_backend_calls_total{outcome="2xx",service="bridge"}' in exposed
    assert "steiger_web_backend_call_duration_seconds_bucket" in exposed
    assert participant_url.rsplit("/", 1)[1] not in exposed


def test_the_core_flow_works_without_javascript(visit) -> None:
    """Progressive enhancement: with scripts off, every form is a plain form that posts and
    comes back to the page (post/redirect/get)."""
    mentor = visit(javascript=False)
    page = mentor.page
    mentor.sign_in("Anna de Vries")
    register(page, "Joke Zonderscript", children=0)
    page.wait_for_url(PARTICIPANT_PAGE)
    page.locator('#bridge input[name="step-income"][value="2"]').check()
    page.locator("#bridge").get_by_role("button", name="Meting opslaan").click()
    page.locator('.bridge__cell--current:has(input[name="step-income"][value="2"])').wait_for()
    goals = page.locator("#goals")
    goals.get_by_label("Doel in de woorden van de deelnemer").fill("Administratie op orde")
    goals.get_by_role("button", name="Doel vastleggen").click()
    goal = page.locator("article.goal", has_text="Administratie op orde")
    goal.get_by_text("Actie plannen").first.click()  # <details> opens without a script
    goal.get_by_label("Actie", exact=True).fill("Map met brieven sorteren")
    goal.get_by_role("button", name="Actie plannen").click()
    action = page.locator("li.action", has_text="Map met brieven sorteren")
    action.get_by_role("button", name=re.compile("^Gedaan")).click()
    page.locator("li.action--completed", has_text="Map met brieven sorteren").wait_for()
    consent = page.locator("#consent")
    consent.get_by_text("Toestemming vastleggen").first.click()
    consent.get_by_label("Waarvoor").select_option("research")
    consent.get_by_role("button", name="Toestemming vastleggen").click()
    page.locator("#consent li", has_text="Onderzoek").wait_for()


def test_a_mentor_writes_a_success_story_that_goes_out_only_with_approval_and_consent(
    visit, web_system
) -> None:
    staff = {"Authorization": f"Bearer {staff_token(web_system)}"}
    anna = visit()
    page = anna.page
    anna.sign_in("Anna de Vries")
    register(page, "Hanna Verhaal")
    page.wait_for_url(PARTICIPANT_PAGE)
    stories = page.locator("#stories")
    stories.get_by_text("Nieuw verhaal").click()
    stories.get_by_label("Titel").fill("Van de schulden af")
    stories.get_by_label("Verhaal (alinea's gescheiden door een witregel)").fill(
        "Eerst de brieven.\n\nToen de regeling."
    )
    stories.get_by_role("button", name="Verhaal opslaan").click()
    story = page.locator("article.story", has_text="Van de schulden af")
    story.wait_for()
    assert story.locator("p", has_text="Toen de regeling.").count() == 1
    story.get_by_role("button", name=re.compile("Deelnemer gaat akkoord")).click()
    page.locator("article.story", has_text="Akkoord van de deelnemer").wait_for()
    # approved, but no success-story consent: the participant service refuses, nothing out
    page.locator("article.story").get_by_role("button", name=re.compile("Publiceren")).click()
    page.locator("#stories .notice--error", has_text="consent").wait_for()
    anna.accessible("the participant's page with a refused publication")
    consent = page.locator("#consent")
    consent.get_by_text("Toestemming vastleggen").first.click()
    consent.get_by_label("Waarvoor").select_option("success-story")
    consent.get_by_role("button", name="Toestemming vastleggen").click()
    page.locator("#consent li", has_text="Succesverhaal").wait_for()
    page.locator("article.story").get_by_role("button", name=re.compile("Publiceren")).click()
    page.locator("article.story .status", has_text="Gepubliceerd").wait_for()
    hallway = httpx.get(web_system.services["participant"].url + "/stories", headers=staff).json()
    assert [s["title"] for s in hallway].count("Van de schulden af") == 1
    # the consent withdrawn takes the story down, and the page shows it at once
    page.locator("#consent li", has_text="Succesverhaal").get_by_role(
        "button", name=re.compile("Intrekken")
    ).click()
    page.locator("article.story", has_text="Akkoord van de deelnemer").wait_for()
    hallway = httpx.get(web_system.services["participant"].url + "/stories", headers=staff).json()
    assert "Van de schulden af" not in [s["title"] for s in hallway]
