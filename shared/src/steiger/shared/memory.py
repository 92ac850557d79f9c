"""Memory freed is given back to the system. glibc keeps what a process freed inside its heap
for reuse, and trims only the top of the heap by itself (`MALLOC_TRIM_THRESHOLD_`, see
`steiger.cli.runtime.ALLOCATOR`); `malloc_trim(0)` also returns the free pages in the middle.
A service calls it every minute: a burst (a dispatcher round of thousands due at once, a
replay) then costs its resident memory only while it lasts (docs/benchmarks.md, "Resident
memory"). Where the C library is not glibc (musl, macOS) there is nothing to call."""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
from collections.abc import Callable

from steiger.shared.concurrency import off_the_loop

TRIM_SECONDS = 60.0


def _malloc_trim() -> Callable[[], object] | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return lambda: trim(0)


give_back = _malloc_trim()
"""Returns the heap's free pages to the system now; None where the C library has no such call."""


async def give_back_continually(interval: float = TRIM_SECONDS) -> None:
    if give_back is None:
        return
    while True:
        await asyncio.sleep(interval)
        await off_the_loop(give_back)
