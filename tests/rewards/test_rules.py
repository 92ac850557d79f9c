"""Menu rules: caps and limits withhold with a reason, periodic items across years, goal and
step triggers, payouts and reversals, yearly statements, group accounts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from eventsourcing.persistence import Tracking
from fastapi.testclient import TestClient

from steiger.rewards.application import RewardsApplication
from steiger.rewards.contracts import to_contract
from steiger.rewards.domain.errors import InsufficientGroupBalance, InvalidPayout
from steiger.rewards.domain.ledger import Ledger
from steiger.rewards.main import parts
from steiger.rewards.menus import load_menu
from steiger.rewards.settings import Settings
from steiger.shared.contracts.bridge import PositionRecorded
from steiger.shared.contracts.planning import ActionCompleted, GoalAchieved
from steiger.shared.service import build_api

from ..access import staff

AMS = dt.timezone(dt.timedelta(hours=1))
MENU = load_menu()


class Feed:
    """Delivers integration events to the rewards application as the consumer would."""

    def __init__(self) -> None:
        self.app = RewardsApplication(menu=MENU)
        self.n = 0

    def deliver(self, event) -> None:
        self.n += 1
        self.app.process_event(event, Tracking(f"t#{self.n}", self.n))

    def completed(self, participant, item, at):
        self.deliver(
            ActionCompleted(
                participant_id=participant,
                action_id=uuid.uuid4(),
                goal_id=uuid.uuid4(),
                column=None,
                due_on=at.date(),
                completed_at=at,
                on_time=True,
                reward_item=item,
            )
        )

    def position(self, participant, column, step, at):
        self.deliver(
            PositionRecorded(
                participant_id=participant,
                assessment_id=uuid.uuid4(),
                definition_id="nl-alphen",
                definition_version="2017-09-07",
                column=column,
                step=step,
                points=step,
                assessed_at=at,
            )
        )


def test_the_menu_covers_the_eight_columns_with_at_least_40_items():
    assert len(MENU.items) >= 40
    columns = {i.column for i in MENU.items.values()} - {None}
    assert columns == {
        "housing",
        "family",
        "health",
        "social-network",
        "education",
        "debts",
        "savings",
        "income",
    }
    assert {i.kind for i in MENU.items.values()} >= {"voucher", "cash", "ceremony", "diploma"}
    alphen = {
        i: MENU.items[i].amount
        for i in (
            "mental-health-appointments",
            "digid-applied",
            "network-takes-over-care",
            "payment-arrangements-all-creditors",
        )
    }
    assert sum(alphen.values()) == Decimal("160.00")


def test_the_yearly_cap_earns_up_to_the_cap_and_withholds_the_rest_with_a_reason():
    feed, p = Feed(), uuid.uuid4()
    at = dt.datetime(2026, 3, 1, 10, tzinfo=AMS)
    for column in ("housing", "family", "health", "social-network", "education", "debts"):
        feed.position(p, column, 4, at)  # 6 x 75 = 450
    feed.position(p, "income", 4, at)  # 100 more: 50 earned, 50 withheld
    rewards = feed.app.rewards(p)
    assert rewards["balance"] == Decimal("500.00")
    assert [(w["amount"], w["item_id"]) for w in rewards["withheld"]] == [
        (Decimal("50.00"), "income-step-4")
    ]
    assert "500.00 EUR for 2026" in rewards["withheld"][0]["reason"]
    feed.position(p, "income", 5, at + dt.timedelta(days=30))  # the same step item: decided
    assert len(feed.app.rewards(p)["withheld"]) == 1
    # a new calendar year (in Amsterdam) starts a new cap
    new_year = dt.datetime(2027, 1, 1, 0, 30, tzinfo=AMS)  # still 2026 in UTC
    feed.completed(p, "digid-applied", new_year)
    assert feed.app.rewards(p)["balance"] == Decimal("520.00")


def test_a_withheld_reward_is_a_public_event_with_its_reason():
    ledger = Ledger(uuid.uuid4())
    item = MENU.items["debts-step-4"]
    ledger.earn(
        item,
        MENU.ref,
        "EUR",
        "t1",
        dt.datetime(2026, 5, 1, tzinfo=dt.UTC),
        annual_cap=Decimal("30.00"),
    )
    events = [to_contract(e) for e in ledger.collect_events()][1:]
    earned, withheld = events
    assert (earned.amount, withheld.amount) == (Decimal("30.00"), Decimal("45.00"))
    assert json.loads(withheld.model_dump_json())["amount"] == "45.00"  # money as a string
    assert "cap" in withheld.reason


def test_an_item_limit_per_year_withholds_the_one_over_it():
    feed, p = Feed(), uuid.uuid4()
    at = dt.datetime(2026, 6, 1, 10, tzinfo=AMS)
    for _ in range(7):
        feed.completed(p, "job-application-sent", at)
    rewards = feed.app.rewards(p)
    assert rewards["balance"] == Decimal("60.00")
    assert "at most 6 times a year" in rewards["withheld"][0]["reason"]


def test_a_periodic_item_pays_100_then_50_in_each_later_year_once():
    feed, p = Feed(), uuid.uuid4()
    for year in (2026, 2026, 2027, 2028):
        feed.position(p, "savings", 3, dt.datetime(year, 6, 1, 10, tzinfo=AMS))
    amounts = [e["amount"] for e in feed.app.rewards(p)["earned"]]
    assert amounts == [Decimal("100.00"), Decimal("50.00"), Decimal("50.00")]


def test_a_goal_achieved_on_a_column_earns_that_columns_goal_item_once():
    feed, p = Feed(), uuid.uuid4()
    event = GoalAchieved(
        participant_id=p,
        goal_id=uuid.uuid4(),
        column="debts",
        target_step=3,
        achieved_on=dt.date(2026, 11, 20),
    )
    feed.deliver(event)
    feed.deliver(event)  # delivered again under a new position: decided already
    feed.deliver(
        GoalAchieved(
            participant_id=p, goal_id=uuid.uuid4(), column=None, achieved_on=dt.date(2026, 11, 21)
        )
    )  # cross-pillar: no item
    earned = feed.app.rewards(p)["earned"]
    assert [(e["item_id"], e["amount"]) for e in earned] == [
        ("debts-goal-achieved", Decimal("50.00"))
    ]


def test_a_goal_reward_is_earned_when_the_achievement_was_recorded_not_later_that_day():
    """Earned in the morning means celebrated in the morning, not at noon; an achievement
    entered days afterwards is dated at noon of the day it happened."""
    feed, p = Feed(), uuid.uuid4()
    morning = dt.datetime(2026, 11, 23, 9, 15, tzinfo=AMS)
    for achieved_on, recorded in [(morning.date(), morning), (dt.date(2026, 11, 2), morning)]:
        feed.deliver(
            GoalAchieved(
                participant_id=p,
                goal_id=uuid.uuid4(),
                column="debts" if achieved_on == morning.date() else "income",
                achieved_on=achieved_on,
                achieved_at=recorded,
            )
        )
    earned = {e["item_id"]: e["earned_at"] for e in feed.app.rewards(p)["earned"]}
    assert earned == {
        "debts-goal-achieved": morning,
        "income-goal-achieved": dt.datetime(2026, 11, 2, 12, tzinfo=ZoneInfo("Europe/Amsterdam")),
    }


def test_issue_and_reverse_are_each_once_and_a_reversed_reward_is_not_issued():
    feed, p = Feed(), uuid.uuid4()
    feed.completed(p, "digid-applied", dt.datetime(2026, 2, 1, 10, tzinfo=AMS))
    feed.completed(p, "all-mail-opened", dt.datetime(2026, 2, 2, 10, tzinfo=AMS))
    first, second = (e["reward_id"] for e in feed.app.rewards(p)["earned"])
    now = dt.datetime(2026, 2, 3, tzinfo=dt.UTC)
    feed.app.issue(p, first, "VOUCHER-123", "mentor-anna", now)
    with pytest.raises(InvalidPayout):
        feed.app.issue(p, first, "VOUCHER-124", "mentor-anna", now)
    feed.app.reverse(p, second, "recorded for the wrong participant", "mentor-anna", now)
    with pytest.raises(InvalidPayout):
        feed.app.issue(p, second, "VOUCHER-125", "mentor-anna", now)
    rewards = feed.app.rewards(p)
    assert (rewards["balance"], rewards["outstanding"]) == (Decimal("20.00"), Decimal("0.00"))

    statement = feed.app.statement(p, 2026)
    assert [ln["status"] for ln in statement["lines"]] == ["issued", "reversed"]
    assert (statement["total"], statement["issued"]) == (Decimal("20.00"), Decimal("20.00"))
    rows = list(csv.DictReader(io.StringIO(feed.app.statement_csv(p, 2026))))
    assert rows[0]["reference"] == "VOUCHER-123" and rows[0]["amount"] == "20.00"
    assert rows[-2]["date"] == "total" and rows[-2]["amount"] == "20.00"
    assert rows[-1]["date"] == "withheld" and rows[-1]["amount"] == "0.00"
    assert feed.app.statement(p, 2025)["lines"] == []


def test_a_one_off_item_pays_once_per_participant_and_a_limited_one_up_to_its_limit():
    feed, p = Feed(), uuid.uuid4()
    for day in (1, 2, 3):
        feed.completed(p, "digid-applied", dt.datetime(2026, 2, day, 10, tzinfo=AMS))
        feed.completed(p, "gp-check-up", dt.datetime(2026, 2, day, 11, tzinfo=AMS))
    earned = [e["item_id"] for e in feed.app.rewards(p)["earned"]]
    assert sorted(earned) == ["digid-applied", "gp-check-up", "gp-check-up"]
    withheld = [(ln["item_id"], ln["reason"]) for ln in feed.app.statement(p, 2026, "en")["lines"]
                if ln["status"] == "withheld"]  # fmt: skip
    assert withheld == [
        ("digid-applied", "this reward is earned once (it was on 01-02-2026)"),
        ("digid-applied", "this reward is earned once (it was on 01-02-2026)"),
        ("gp-check-up", "this reward is earned at most 2 times a year"),
    ]
    dutch = [ln for ln in feed.app.statement(p, 2026)["lines"] if ln["status"] == "withheld"]
    assert dutch[0]["reason"] == "deze beloning krijg je één keer (dat was op 01-02-2026)"
    assert dutch[-1]["reason"] == "deze beloning krijg je hoogstens 2 keer per jaar"
    assert dutch[0]["status_text"] == "niet toegekend" and dutch[0]["label"] == "DigiD aangevraagd"
    other = uuid.uuid4()  # once per participant: another one earns it too
    feed.completed(other, "digid-applied", dt.datetime(2026, 2, 5, 10, tzinfo=AMS))
    assert [e["item_id"] for e in feed.app.rewards(other)["earned"]] == ["digid-applied"]


def test_the_csv_statement_shows_withheld_rewards_and_runs_no_formulas():
    feed, p = Feed(), uuid.uuid4()
    feed.completed(p, "digid-applied", dt.datetime(2026, 3, 1, 10, tzinfo=AMS))
    feed.completed(p, "digid-applied", dt.datetime(2026, 3, 2, 10, tzinfo=AMS))
    reward = feed.app.rewards(p)["earned"][0]["reward_id"]
    reference = '=HYPERLINK("http://evil.example","Voucher")'
    feed.app.issue(p, reward, reference, "mentor-anna", dt.datetime(2026, 3, 3, tzinfo=dt.UTC))

    statement = feed.app.statement(p, 2026)
    rows = list(csv.DictReader(io.StringIO(feed.app.statement_csv(p, 2026))))

    assert [r["status"] for r in rows[:-2]] == [ln["status"] for ln in statement["lines"]]
    assert [r["status"] for r in rows[:-2]] == ["issued", "withheld"]
    assert rows[1]["amount"] == "20.00" and "één keer" in rows[1]["reason"]
    english = list(csv.DictReader(io.StringIO(feed.app.statement_csv(p, 2026, "en"))))
    assert "earned once" in english[1]["reason"] and english[1]["status_text"] == "withheld"
    assert rows[0]["reference"] == "'" + reference
    assert (rows[-2]["amount"], rows[-1]["amount"]) == ("20.00", "20.00")
    assert statement["withheld"] == Decimal("20.00")


def test_a_group_account_is_credited_from_members_and_never_goes_below_zero():
    feed = Feed()
    account = feed.app.open_group_account("Buurtgroep Oost")
    members = [uuid.uuid4(), uuid.uuid4()]
    for member in members:
        feed.app.join_group_account(account, member)
    at = dt.datetime(2026, 4, 1, 10, tzinfo=AMS)
    for member in members:
        feed.position(member, "debts", 4, at)  # 75 each, 10 % to the group
    view = feed.app.group_account_view(account)
    assert view["balance"] == Decimal("15.00")
    too_much = feed.app.propose_spending(account, Decimal("20.00"), "samen uit eten")
    with pytest.raises(InsufficientGroupBalance):
        feed.app.approve_spending(account, too_much, "mentor-anna")
    fits = feed.app.propose_spending(account, Decimal("15.00"), "gezamenlijke cursus")
    feed.app.approve_spending(account, fits, "mentor-anna")
    with pytest.raises(InvalidPayout):
        feed.app.approve_spending(account, fits, "mentor-anna")  # once
    assert feed.app.group_account_view(account)["balance"] == Decimal("0.00")


@pytest.fixture
def api(tmp_path):
    with TestClient(build_api(parts(Settings(var_dir=tmp_path))), headers=staff()) as client:
        yield client


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "field"),
    [
        ("post", "/group-accounts", {}, 422, "body.name"),
        (
            "post",
            "/group-accounts/{a}/proposals",
            {"amount": "-5", "purpose": "x"},
            422,
            "body.amount",
        ),
        (
            "post",
            "/group-accounts/{a}/proposals",
            {"amount": "1.001", "purpose": "x"},
            422,
            "body.amount",
        ),
        (
            "post",
            "/participants/{p}/rewards/{p}/issue",
            {"reference": "", "by": "x"},
            422,
            "body.reference",
        ),
        ("get", "/participants/{p}/statements/1800", None, 422, "path.year"),
        ("get", "/participants/{p}/statements/2026?language=de", None, 422, "query.language"),
    ],
)
def test_bad_input_is_422_naming_the_field(api, method, path, body, status, field):
    account = api.post("/group-accounts", json={"name": "G"}).json()["id"]
    url = path.format(a=account, p=uuid.uuid4())
    response = getattr(api, method)(url, **({"json": body} if body is not None else {}))
    assert response.status_code == status
    assert field in [e["field"] for e in response.json()["errors"]]


def test_api_statements_and_group_accounts(api):
    p = uuid.uuid4()
    assert api.get(f"/participants/{p}/statements/2026").json()["total"] == "0.00"
    assert api.get(f"/participants/{p}/statements/2026", params={"format": "csv"}).text.startswith(
        "date,reward_id"
    )
    unknown = api.post(
        f"/participants/{p}/rewards/{uuid.uuid4()}/issue", json={"reference": "V-1", "by": "anna"}
    )
    assert unknown.status_code == 404
    account = api.post("/group-accounts", json={"name": "G"}).json()["id"]
    proposal = api.post(
        f"/group-accounts/{account}/proposals", json={"amount": "10.00", "purpose": "uitje"}
    ).json()["id"]
    refused = api.post(
        f"/group-accounts/{account}/proposals/{proposal}/approval", json={"by": "anna"}
    )
    assert refused.status_code == 409 and "0.00" in refused.json()["detail"]
    assert api.get("/menu").json()["annual_cap"] == "500.00"
    assert api.get("/figures", params={"year": 2026}).json()["rows"] == []
    bad_year = api.get("/figures", params={"year": 1800})
    assert bad_year.status_code == 422 and bad_year.json()["errors"][0]["field"] == "query.year"


def test_a_new_menu_version_never_changes_rewards_already_earned(tmp_path):
    import dataclasses

    from steiger.rewards.domain.menu import RewardsMenu
    from steiger.shared.eventstore import store_environment

    settings = Settings(var_dir=tmp_path)
    before = RewardsApplication(store_environment(settings), menu=MENU)
    p = uuid.uuid4()
    before.process_event(
        ActionCompleted(
            participant_id=p,
            action_id=uuid.uuid4(),
            goal_id=uuid.uuid4(),
            column=None,
            due_on=dt.date(2026, 5, 1),
            completed_at=dt.datetime(2026, 5, 1, 10, tzinfo=AMS),
            on_time=True,
            reward_item="digid-applied",
        ),
        Tracking("planning#0", 1),
    )
    before.close()
    cheaper = dataclasses.replace(MENU.items["digid-applied"], amount=Decimal("5.00"))
    new_menu = RewardsMenu(
        "steiger-nl", "2027", "EUR", {**MENU.items, "digid-applied": cheaper}, MENU.annual_cap
    )
    after = RewardsApplication(store_environment(settings), menu=new_menu)
    earned = after.rewards(p)["earned"]
    assert [(e["amount"], e["rule"]) for e in earned] == [
        (Decimal("20.00"), "steiger-nl-2026:action-completed:digid-applied")
    ]
