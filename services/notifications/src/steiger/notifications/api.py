from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends

from steiger.notifications.application import NotificationsApplication
from steiger.shared.http import current_application

Notifications = Annotated[NotificationsApplication, Depends(current_application)]
router = APIRouter(tags=["reminders"])

DOMAIN_ERRORS: dict[type[Exception], int] = {}


@router.get("/participants/{participant_id}/reminders")
def reminders(participant_id: UUID, notifications: Notifications) -> dict:
    return notifications.reminders(participant_id)
