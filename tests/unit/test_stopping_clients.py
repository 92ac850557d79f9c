"""Stopping a Kafka client never loses the caller's cancellation: aiokafka's clients, closing,
await their own cancelled tasks with CancelledError suppressed (aio-libs/aiokafka#983), and a
relay cancelled meanwhile ran on and held its service's shutdown forever."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from steiger.shared.kafka import stop_client


class ClosesLikeAiokafka:
    """aiokafka's `AIOKafkaClient.close`: cancel the metadata task, await it, suppress."""

    def __init__(self) -> None:
        self._sync_task = asyncio.create_task(self._synchronise())
        self.stopped = False

    async def _synchronise(self) -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            await asyncio.sleep(0.05)  # a connection's buffers flushed on the way out

    async def stop(self) -> None:
        self._sync_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._sync_task
        self.stopped = True


async def test_a_cancellation_that_arrives_while_a_client_closes_is_not_lost() -> None:
    client = ClosesLikeAiokafka()
    await asyncio.sleep(0)

    async def close_then_carry_on() -> None:
        await stop_client(client)  # type: ignore[arg-type]
        await asyncio.sleep(3600)  # the relay's loop, after a client was closed

    task = asyncio.create_task(close_then_carry_on())
    await asyncio.sleep(0.01)  # the client is closing
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, timeout=2)
    assert client.stopped


async def test_a_client_stopped_without_a_cancellation_lets_the_caller_go_on() -> None:
    client = ClosesLikeAiokafka()
    await stop_client(client)  # type: ignore[arg-type]
    assert client.stopped
