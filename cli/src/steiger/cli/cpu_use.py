"""CPU time used by each process of a running system, for benchmarks.

The machine is shared and its speed varies by the hour, so commands per second alone do not
say whether a change helped; the CPU each accepted command cost, per process, does better and
shows where the time goes."""

from __future__ import annotations

import os
import resource
from pathlib import Path

from steiger.cli.runtime import System

_TICKS = os.sysconf("SC_CLK_TCK")


def _of_pid(pid: int) -> float | None:
    """User plus system seconds of one process (Linux /proc), None where it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / _TICKS


def cpu_seconds(system: System) -> dict[str, float]:
    """CPU seconds used so far by each service, the embedded broker and this load generator
    (with the programs it ran and waited for: wrk)."""
    processes = {name: service.process for name, service in system.services.items()}
    if system.broker is not None:
        processes["broker"] = system.broker.process
    used = {
        name: seconds
        for name, process in processes.items()
        if process is not None and (seconds := _of_pid(process.pid)) is not None
    }
    own = resource.getrusage(resource.RUSAGE_SELF)
    ran = resource.getrusage(resource.RUSAGE_CHILDREN)
    used["load generator"] = own.ru_utime + own.ru_stime + ran.ru_utime + ran.ru_stime
    return used


def per_command(before: dict[str, float], after: dict[str, float], commands: int) -> dict:
    """Milliseconds of CPU per command, in total and per process (largest first)."""
    spent = {name: after[name] - before.get(name, 0.0) for name in after}
    by_process = {
        name: round(1000 * seconds / max(commands, 1), 2)
        for name, seconds in sorted(spent.items(), key=lambda item: -item[1])
    }
    return {"total": round(sum(by_process.values()), 2), "by_process": by_process}
