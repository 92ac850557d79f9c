from __future__ import annotations

from dataclasses import asdict
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends

from steiger.rewards.application import RewardsApplication
from steiger.shared.http import current_application

Rewards = Annotated[RewardsApplication, Depends(current_application)]
router = APIRouter(tags=["rewards"])

DOMAIN_ERRORS: dict[type[Exception], int] = {}


@router.get("/participants/{participant_id}/rewards")
def rewards(participant_id: UUID, rewards: Rewards) -> dict:
    return rewards.rewards(participant_id)


@router.get("/menu")
def menu(rewards: Rewards) -> dict:
    menu = rewards.menu
    return {
        "id": menu.id,
        "version": menu.version,
        "currency": menu.currency,
        "items": [asdict(item) for item in menu.items.values()],
    }
