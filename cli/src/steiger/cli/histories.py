"""Generated event histories for benchmarks and tests: realistic per-participant journeys
(intake, consent, Bridge assessments, goals, actions, rewards) as the producers would
publish them, each producer with its own increasing sequence."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from decimal import Decimal

from steiger.shared.contracts import IntegrationEvent
from steiger.shared.contracts.bridge import PositionRecorded
from steiger.shared.contracts.participant import (
    ConsentGranted,
    Household,
    ParticipantRegistered,
)
from steiger.shared.contracts.planning import ActionCompleted, ActionPlanned, GoalAchieved, GoalSet
from steiger.shared.contracts.rewards import RewardEarned

COLUMNS = ("housing", "income", "debts", "employment", "education", "health", "network")
PROGRAMMES = ("debt-help", "work-first", "young-parents")
NEIGHBOURHOODS = ("Centrum", "Noord", "Oost", "Zuid", "West")
START = dt.datetime(2024, 1, 1, 9, tzinfo=dt.UTC)


def journey(rng: random.Random, participant_id: uuid.UUID, events: int) -> list[IntegrationEvent]:
    """About `events` events of one participant, in the order they happened."""
    p = participant_id
    at = START + dt.timedelta(days=rng.randrange(0, 365))
    found: list[IntegrationEvent] = [
        ParticipantRegistered(
            participant_id=p,
            programme=rng.choice(PROGRAMMES),
            cohort=f"{at.year}-{at.month:02d}",
            municipality="Alphen aan den Rijn",
            neighbourhood=rng.choice(NEIGHBOURHOODS),
            target_group=rng.choice(("single-parent", "young-adult", None)),
            household=Household(adults=1, school_age_children=rng.randrange(0, 3)),
            registered_at=at,
        )
    ]
    if rng.random() < 0.8:
        found.append(
            ConsentGranted(participant_id=p, purpose="research", text_version="2026-01",
                           granted_on=at.date())
        )  # fmt: skip
    steps = {c: rng.randint(1, 3) for c in COLUMNS}
    while len(found) < events:
        assessment = uuid.uuid4()
        for column in COLUMNS:
            steps[column] = max(1, min(5, steps[column] + rng.choice((-1, 0, 1, 1))))
            found.append(
                PositionRecorded(
                    participant_id=p, assessment_id=assessment, definition_id="nl-alphen-2017",
                    definition_version="2017-09-07", column=column, step=steps[column],
                    points=steps[column] * 4, assessed_at=at,
                )
            )  # fmt: skip
        goal, column = uuid.uuid4(), rng.choice(COLUMNS)
        found.append(
            GoalSet(participant_id=p, goal_id=goal, horizon="short", column=column,
                    target_step=steps[column] + 1, set_at=at)
        )  # fmt: skip
        for _ in range(rng.randint(1, 4)):
            action, due = uuid.uuid4(), (at + dt.timedelta(days=14)).date()
            found.append(
                ActionPlanned(participant_id=p, action_id=action, goal_id=goal, column=column,
                              owner="participant", due_on=due, planned_at=at)
            )  # fmt: skip
            done = at + dt.timedelta(days=rng.randint(3, 20))
            found.append(
                ActionCompleted(participant_id=p, action_id=action, goal_id=goal, column=column,
                                due_on=due, completed_at=done, on_time=done.date() <= due)
            )  # fmt: skip
            found.append(
                RewardEarned(participant_id=p, reward_id=uuid.uuid4(), item_id="step",
                             rule="action-completed:step", trigger=f"action-completed:{action}",
                             amount=Decimal("10.00"), currency="EUR", column=column,
                             earned_at=done)
            )  # fmt: skip
        if rng.random() < 0.6:
            found.append(
                GoalAchieved(participant_id=p, goal_id=goal, column=column,
                             target_step=steps[column] + 1, achieved_on=at.date())
            )  # fmt: skip
        at += dt.timedelta(days=rng.randint(30, 120))
    return found


def history(
    total: int, per_participant: int = 100, seed: int = 7, burst: int = 1
) -> Iterator[IntegrationEvent]:
    """About `total` events: journeys of `total // per_participant` participants, interleaved
    the way many participants' activity interleaves in the producers' logs: `burst` events of
    one participant at a time (1: the harshest interleaving; a meeting records several)."""
    rng = random.Random(seed)
    journeys = [
        iter(journey(rng, uuid.UUID(int=rng.getrandbits(128), version=4), per_participant))
        for _ in range(max(1, total // per_participant))
    ]
    produced = 0
    while journeys and produced < total:
        for j in list(journeys):
            for taken, event in enumerate(j, 1):
                yield event
                produced += 1
                if taken == burst:
                    break
            else:
                journeys.remove(j)
