import datetime as dt
import uuid
from decimal import Decimal

import pytest
from eventsourcing.persistence import Tracking

from steiger.rewards.application import RewardsApplication
from steiger.rewards.domain.errors import InvalidMenu
from steiger.rewards.domain.ledger import Ledger
from steiger.rewards.domain.menu import RewardsMenu
from steiger.rewards.menus import load_menu
from steiger.shared.contracts.planning import ActionCompleted

NOW = dt.datetime(2026, 11, 22, 10, tzinfo=dt.UTC)
ALPHEN = (
    "mental-health-appointments",
    "digid-applied",
    "network-takes-over-care",
    "payment-arrangements-all-creditors",
)


def completed(participant, item, action=None):
    return ActionCompleted(
        participant_id=participant,
        action_id=action or uuid.uuid4(),
        goal_id=uuid.uuid4(),
        column=None,
        due_on=NOW.date(),
        completed_at=NOW,
        on_time=True,
        reward_item=item,
    )


def test_the_four_alphen_actions_earn_exactly_160_euro():
    app = RewardsApplication(menu=load_menu())
    participant = uuid.uuid4()
    for n, item in enumerate(ALPHEN, start=1):
        app.process_event(completed(participant, item), Tracking("planning#0", n))
    rewards = app.rewards(participant)
    assert rewards["balance"] == Decimal("160.00")
    assert isinstance(rewards["balance"], Decimal)
    assert len(rewards["earned"]) == 4


def test_an_action_without_a_menu_item_earns_nothing():
    app = RewardsApplication(menu=load_menu())
    participant = uuid.uuid4()
    app.process_event(completed(participant, None), Tracking("planning#0", 1))
    app.process_event(completed(participant, "not-on-the-menu"), Tracking("planning#0", 2))
    assert app.rewards(participant)["earned"] == []


def test_the_same_trigger_earns_once_even_when_delivered_again_under_another_position():
    ledger = Ledger(uuid.uuid4())
    item = load_menu().items["digid-applied"]
    assert ledger.earn(item, "alphen-2019", "EUR", "action-completed:a", NOW)
    assert not ledger.earn(item, "alphen-2019", "EUR", "action-completed:a", NOW)
    assert ledger.balance == Decimal("20.00")


@pytest.mark.parametrize("amount", ["-1.00", "0", "10.005", "ten"])
def test_a_menu_with_a_wrong_amount_is_refused(amount):
    data = {
        "id": "x",
        "version": "1",
        "currency": "EUR",
        "items": [
            {
                "id": "a",
                "column": None,
                "trigger": "action-completed",
                "amount": amount,
                "kind": "voucher",
                "label": {"nl": "a", "en": "a"},
            }
        ],
    }
    with pytest.raises(InvalidMenu):
        RewardsMenu.from_data(data)
