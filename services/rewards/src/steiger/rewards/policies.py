"""Rewards' reactions to other services' integration events: the menu decides, not a person.

Each achievement is one trigger, decided once by the ledger (earned, withheld, or both), so
redelivery, restarts and replays change nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import ProcessingEvent

from steiger.rewards.domain.group_account import GroupAccount
from steiger.rewards.domain.ledger import CALENDAR, Ledger
from steiger.rewards.domain.menu import MenuItem, RewardsMenu
from steiger.shared.caseloads import CASE_REACTIONS
from steiger.shared.contracts.bridge import PositionRecorded
from steiger.shared.contracts.participant import ParticipantRegistered
from steiger.shared.contracts.planning import ActionCompleted, GoalAchieved
from steiger.shared.erasure import ERASURE_REACTIONS
from steiger.shared.eventstore import Reactions
from steiger.shared.restriction import RESTRICTION_REACTIONS


class Rewards(Protocol):
    """What the policies need of the application (they do not import it: no circle)."""

    menu: RewardsMenu

    def ledger_for(self, participant_id: UUID) -> Ledger: ...
    def group_account(self, account_id: UUID) -> GroupAccount: ...
    def noon_of(self, day: dt.date) -> dt.datetime: ...


def _decide(
    rewards: Rewards,
    processing: ProcessingEvent,
    participant_id: UUID,
    awards: list[tuple[MenuItem, str]],
    at: dt.datetime,
) -> None:
    if not awards:
        return
    ledger = rewards.ledger_for(participant_id)
    changed: list[Any] = [ledger]
    menu = rewards.menu
    for item, trigger in awards:
        decision = ledger.earn(item, menu.ref, menu.currency, trigger, at, menu.annual_cap)
        if decision and decision.group_credit > 0 and ledger.group_account_id is not None:
            account = rewards.group_account(ledger.group_account_id)
            account.credit(decision.group_credit, ledger.earned_for(trigger), participant_id)
            changed.append(account)
    processing.collect_events(*changed)


def on_action_completed(
    rewards: Rewards, event: ActionCompleted, processing: ProcessingEvent
) -> None:
    item = rewards.menu.for_completed_action(event.reward_item)
    awards = [(item, f"action-completed:{event.action_id}")] if item else []
    _decide(rewards, processing, event.participant_id, awards, event.completed_at)


def on_goal_achieved(rewards: Rewards, event: GoalAchieved, processing: ProcessingEvent) -> None:
    awards = [
        (item, f"goal-achieved:{event.goal_id}:{item.id}")
        for item in rewards.menu.for_goal_achieved(event.column)
    ]
    # earned when the achievement was recorded, so the celebration follows straight away;
    # an achievement entered afterwards for an earlier day is dated at noon of that day
    at = rewards.noon_of(event.achieved_on)
    if event.achieved_at is not None:
        at = min(at, event.achieved_at)
    _decide(rewards, processing, event.participant_id, awards, at)


def on_position_recorded(
    rewards: Rewards, event: PositionRecorded, processing: ProcessingEvent
) -> None:
    """A step reached earns once; a periodic item once per period in which it is held."""
    year = event.assessed_at.year
    awards = [
        (item, f"step-reached:{item.id}" + (f":{year}" if item.period == "year" else ""))
        for item in rewards.menu.for_step(event.column, event.step)
    ]
    _decide(rewards, processing, event.participant_id, awards, event.assessed_at)


def on_participant_registered(
    rewards: Rewards, event: ParticipantRegistered, processing: ProcessingEvent
) -> None:
    ledger = rewards.ledger_for(event.participant_id)
    ledger.note_enrolment(event.programme, event.registered_at.astimezone(CALENDAR).date())
    processing.collect_events(ledger)


REACTIONS: Reactions = {
    **CASE_REACTIONS,
    **RESTRICTION_REACTIONS,
    **ERASURE_REACTIONS,
    ParticipantRegistered: on_participant_registered,
    ActionCompleted: on_action_completed,
    GoalAchieved: on_goal_achieved,
    PositionRecorded: on_position_recorded,
}
