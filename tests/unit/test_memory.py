"""Freed memory is given back to the system (glibc's malloc_trim), every so often."""

from __future__ import annotations

import asyncio
import platform

import pytest

from steiger.shared import memory


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_on_glibc_the_heap_s_free_pages_can_be_given_back() -> None:
    assert memory.give_back is not None
    garbage = [bytearray(4096) for _ in range(20_000)]  # 80 MB in pages of the heap
    del garbage
    assert memory.give_back() in (0, 1)  # 1: memory was released, 0: there was none to


def test_a_service_gives_memory_back_every_interval(monkeypatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(memory, "give_back", lambda: calls.append(1))

    async def a_while() -> None:
        task = asyncio.create_task(memory.give_back_continually(interval=0.01))
        await asyncio.sleep(0.2)
        task.cancel()

    asyncio.run(a_while())
    assert len(calls) >= 3
