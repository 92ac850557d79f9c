"""One default for a participant's channels: what the participant service shows is what
notifications tries, until the participant chooses."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from steiger.notifications.domain.notifications import ParticipantNotifications
from steiger.participant.main import parts
from steiger.participant.settings import Settings
from steiger.shared.service import build_api

from ..access import staff
from ..participant.test_api import REGISTRATION


def test_until_they_choose_a_participant_has_the_channels_notifications_tries(tmp_path):
    with TestClient(build_api(parts(Settings(var_dir=tmp_path))), headers=staff()) as api:
        pid = api.post("/participants", json=REGISTRATION).json()["participant_id"]
        shown = api.get(f"/participants/{pid}/export").json()["participant"]["contact_preferences"]
    tried = ParticipantNotifications(uuid.UUID(pid)).usable_channels()
    assert shown["channels"] == tried == ["email", "sms"]
