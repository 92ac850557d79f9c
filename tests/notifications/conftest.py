from __future__ import annotations

import pytest

from steiger.notifications.application import NotificationsApplication

from .fakes import FakeDetails, Feeder


@pytest.fixture
def app() -> NotificationsApplication:
    return NotificationsApplication(details=FakeDetails())


@pytest.fixture
def feed(app) -> Feeder:
    return Feeder(app)
