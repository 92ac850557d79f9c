"""`steiger run` brings back an embedded broker that dies while the services start, as it
does once they run (a kill in that window used to fail the start: the services could not
become healthy without it)."""

from __future__ import annotations

from pathlib import Path

from steiger.cli.runtime import System


class DyingBroker:
    def __init__(self) -> None:
        self.alive, self.restarts = False, 0

    def running(self) -> bool:
        return self.alive

    def restart(self) -> None:
        self.alive, self.restarts = True, self.restarts + 1

    def stop(self) -> None:
        self.alive = False


class ServiceNeedingTheBroker:
    log_path = Path("planning.log")

    def __init__(self, broker: DyingBroker) -> None:
        self.broker = broker

    def running(self) -> bool:
        return True

    def healthy(self) -> bool:
        return self.broker.alive


def test_a_broker_dead_during_the_start_is_started_again_with_its_topics():
    broker = DyingBroker()
    system = System(var_dir=Path("var"), broker=broker, bootstrap_servers="127.0.0.1:9")  # type: ignore[arg-type]
    made = []
    system.create_topics = lambda: made.append("topics")  # type: ignore[method-assign]
    system.services = {"planning": ServiceNeedingTheBroker(broker)}  # type: ignore[dict-item]
    system.wait_healthy(timeout=2, names=("planning",))
    assert (broker.restarts, made) == (1, ["topics"])
    system.wait_healthy(timeout=2, names=("planning",))
    assert broker.restarts == 1  # running: left alone
