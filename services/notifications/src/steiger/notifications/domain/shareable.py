"""Which of Steiger's events a chain partner can receive, and which of their fields.

Everything not named here stays home: an event type not in `SHAREABLE` reaches no partner; a
field not named for its type is left out. The contracts already carry no names and no free
text; what this leaves out on top are the links between partners: ids are replaced by a
pseudonym per partner (`Pseudonyms`), the mentor is not named, and a reward's rule and
trigger (which quote ids) are not passed.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any
from uuid import UUID

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


class Pseudonyms:
    """The partner's own names for Steiger's ids: an HMAC of the id under a key per partner
    (derived from one secret of the service), so the same participant is the same pseudonym
    to a partner every time, and a different one to every other partner."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def of(self, partner: str, kind: str, id_: UUID | str) -> str:
        key = hmac.new(self._secret, f"partner:{partner}".encode(), hashlib.sha256).digest()
        digest = hmac.new(key, f"{kind}:{id_}".encode(), hashlib.sha256).digest()
        return str(UUID(bytes=digest[:16], version=4))

    def subject(self, partner: str, participant_id: UUID) -> str:
        return self.of(partner, "participant", participant_id)

    def data_for(self, partner: str, event_type: str, data: dict[str, Any]) -> dict[str, Any]:
        """A minimised event's data as this partner receives it: ids as their pseudonyms."""
        ids = SHAREABLE[event_type].ids
        return {
            name: self.of(partner, name.removesuffix("_id"), value) if name in ids else value
            for name, value in data.items()
        }
