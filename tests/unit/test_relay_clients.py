"""The relay keeps a Kafka client only once it started, and closes one that could not."""

from __future__ import annotations

import pytest
from aiokafka.errors import KafkaConnectionError

from steiger.shared.relay import _start


class Client:
    def __init__(self, fails: bool) -> None:
        self.fails, self.stopped = fails, False

    async def start(self) -> None:
        if self.fails:
            raise KafkaConnectionError("no broker")

    async def stop(self) -> None:
        self.stopped = True


async def test_a_client_that_could_not_start_is_closed_and_the_error_goes_on() -> None:
    client = Client(fails=True)
    with pytest.raises(KafkaConnectionError):
        await _start(client)  # type: ignore[arg-type]
    assert client.stopped


async def test_a_client_that_started_stays_open() -> None:
    client = Client(fails=False)
    await _start(client)  # type: ignore[arg-type]
    assert not client.stopped
