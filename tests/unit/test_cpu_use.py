"""The benchmark's CPU accounting: per process of the system, and per accepted command."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest

from steiger.cli.cpu_use import cpu_seconds, per_command


def test_milliseconds_per_command_in_total_and_per_process_largest_first() -> None:
    before = {"bridge": 10.0, "broker": 1.0, "load generator": 2.0}
    after = {"bridge": 12.0, "broker": 1.5, "load generator": 2.25}
    assert per_command(before, after, commands=500) == {
        "total": 5.5,
        "by_process": {"bridge": 4.0, "broker": 1.0, "load generator": 0.5},
    }


BURN_THEN_WAIT = """
import sys, time
end = time.process_time() + 0.3
while time.process_time() < end:
    pass
print("burnt", flush=True)
sys.stdin.read()
"""


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc, which only Linux has")
def test_the_cpu_a_service_process_used_is_read_from_the_system() -> None:
    busy = subprocess.Popen(
        [sys.executable, "-c", BURN_THEN_WAIT], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert busy.stdout is not None and busy.stdout.readline() == b"burnt\n"
        system = SimpleNamespace(services={"bridge": SimpleNamespace(process=busy)}, broker=None)
        used = cpu_seconds(system)  # type: ignore[arg-type]
    finally:
        busy.kill()
        busy.wait()
    assert 0.25 <= used["bridge"] < 5
    assert used["load generator"] > 0


BURN = """
import time
end = time.process_time() + 0.3
while time.process_time() < end:
    pass
"""


def test_a_program_the_load_generator_ran_and_waited_for_counts_as_its_cpu() -> None:
    """wrk sends the benchmark's load as a child of the load generator."""
    system = SimpleNamespace(services={}, broker=None)
    before = cpu_seconds(system)  # type: ignore[arg-type]
    subprocess.run([sys.executable, "-c", BURN], check=True)
    after = cpu_seconds(system)  # type: ignore[arg-type]
    assert after["load generator"] - before["load generator"] >= 0.25


def test_the_access_benchmark_measures_the_warm_and_the_first_check():
    from steiger.cli.bench_access import bench_access

    figures = bench_access(calls=50)
    assert 0 < figures["token_check_warm_ms"] < figures["first_check_es256_ms"]
    assert figures["first_check_rs256_ms"] > 0
