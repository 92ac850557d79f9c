"""Rewards' reactions to other services' integration events: the menu decides, not a person."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventsourcing.application import ProcessingEvent

from steiger.shared.contracts.planning import ActionCompleted

if TYPE_CHECKING:
    from steiger.rewards.application import RewardsApplication


def on_action_completed(
    rewards: RewardsApplication, event: ActionCompleted, processing: ProcessingEvent
) -> None:
    item = rewards.menu.for_completed_action(event.reward_item)
    if item is None:
        return
    ledger = rewards.ledger_for(event.participant_id)
    earned = ledger.earn(
        item,
        f"{rewards.menu.id}-{rewards.menu.version}",
        rewards.menu.currency,
        trigger=f"action-completed:{event.action_id}",
        earned_at=event.completed_at,
    )
    if earned:
        processing.collect_events(ledger)


REACTIONS = {ActionCompleted: on_action_completed}
