"""The partners' contract: which of Steiger's events a chain partner can receive, and which of
their fields. Published like the internal contracts (`steiger contracts`: JSON Schemas in
shared/schemas/partners, docs/partners-asyncapi.json) and versioned with them: a partner event
is its internal event's type, so a breaking change there is a new type here too.

Everything not named here stays home: an event type not in `SHAREABLE` reaches no partner; a
field not named for its type is left out. The contracts already carry no names and no free
text; what this leaves out on top are the links between partners: ids are replaced by a
pseudonym per partner (the notifications service's `Pseudonyms`), the mentor is not named, and
a reward's rule and trigger (which quote ids) are not passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from steiger.shared.contracts import bridge, participant, planning, rewards
from steiger.shared.contracts.base import IntegrationEvent


@dataclass(frozen=True)
class Shareable:
    contract: type[IntegrationEvent]
    fields: tuple[str, ...]
    """Passed as they are: facts without identity (dates, steps, columns, amounts)."""
    ids: tuple[str, ...] = ()
    """Passed as the partner's pseudonym of the id, so that two partners cannot link them."""

    @property
    def category(self) -> str:
        return self.contract.producer


def _(contract: type[IntegrationEvent], fields: str, ids: str = "") -> tuple[str, Shareable]:
    return contract.event_type, Shareable(contract, tuple(fields.split()), tuple(ids.split()))


SHAREABLE: dict[str, Shareable] = dict(
    [
        _(participant.ParticipantRegistered, "programme cohort municipality registered_at"),
        _(participant.ParticipantStatusChanged, "status exit_reason changed_on"),
        _(participant.HouseholdChanged, "household change changed_on"),
        _(
            bridge.PositionRecorded,
            "definition_id definition_version column step points assessed_at",
            "assessment_id",
        ),
        _(
            bridge.PositionCorrected,
            "definition_id definition_version column step points assessed_at corrected_at",
            "assessment_id",
        ),
        _(planning.GoalSet, "horizon column target_step definition_id set_at", "goal_id"),
        _(planning.GoalRevised, "changed target_step revised_on", "goal_id"),
        _(planning.GoalAchieved, "column target_step achieved_on", "goal_id"),
        _(planning.GoalDiscontinued, "column discontinued_on", "goal_id"),
        _(planning.ActionPlanned, "column owner due_on planned_at", "action_id goal_id"),
        _(
            planning.ActionCompleted,
            "column due_on completed_at on_time",
            "action_id goal_id",
        ),
        _(
            planning.ActionRescheduled,
            "due_on previous_due_on rescheduled_at",
            "action_id goal_id",
        ),
        _(planning.ActionCancelled, "cancelled_at", "action_id goal_id"),
        _(planning.ActionMissed, "column due_on", "action_id goal_id"),
        _(planning.MeetingScheduled, "at", "meeting_id"),
        _(
            planning.MeetingHeld,
            "held_on duration_minutes crisis_minutes goal_minutes",
            "meeting_id",
        ),
        _(rewards.RewardEarned, "amount currency column earned_at", "reward_id"),
        _(rewards.RewardWithheld, "amount currency withheld_at"),
        _(rewards.RewardIssued, "issued_at", "reward_id"),
        _(rewards.RewardReversed, "amount reversed_at", "reward_id"),
    ]
)


def minimised(event: IntegrationEvent) -> dict[str, Any] | None:
    """What of an incoming event could ever go to a partner (ids still Steiger's own), in
    JSON form; None for an event no partner receives."""
    shareable = SHAREABLE.get(event.event_type)
    if shareable is None:
        return None
    data = event.model_dump(mode="json", include={*shareable.fields, *shareable.ids})
    return {name: value for name, value in data.items() if value is not None}
