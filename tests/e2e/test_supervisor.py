"""`steiger run` as an operator runs it: on ports of its own choosing, with a broker that
dies. The supervisor restarts the broker, the topics come back with the configured
partitions (dead-letter topics included), the relays refill them, and the CLI reaches the
services where the environment says they are."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient

from steiger.shared.kafka import records_from_beginning
from steiger.shared.services import SERVICES
from steiger.shared.topics import dead_letter_topic, events_topic

from ..conftest import free_port
from ..waiting import eventually
from .test_hostile import produce


def parked_records(bootstrap: str, topic: str) -> list:
    async def read() -> list:
        return [r async for batch in records_from_beginning(bootstrap, [topic]) for r in batch]

    return asyncio.run(read())


pytestmark = pytest.mark.e2e


def steiger(*args: str, env: dict[str, str], **options) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "steiger.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        **options,
    )


def healthy(url: str) -> bool:
    """Ready, its consumer in its group: as `steiger run` waits for before it says running."""
    try:
        response = httpx.get(f"{url}/health", timeout=2)
    except httpx.HTTPError:
        return False
    joined = response.json().get("consumer", {}).get("joined", True)
    return response.status_code == 200 and joined


def parked(url: str) -> int:
    return httpx.get(f"{url}/health", timeout=5).json()["consumer"]["parked"]


async def partitions_of(bootstrap: str) -> dict[str, int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(await admin.list_topics())
        return {t["topic"]: len(t["partitions"]) for t in described}
    finally:
        await admin.close()


def broker_pid(port: int) -> int | None:
    found = subprocess.run(
        ["pgrep", "-f", "--", f"--listener-url tcp://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
    )
    return int(found.stdout.split()[0]) if found.stdout.split() else None


def test_run_on_other_ports_survives_a_dead_broker_and_the_demo_finds_it(tmp_path):
    ports = {service: free_port() for service in SERVICES}
    broker_port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("STEIGER_")}
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    env |= {f"STEIGER_{name.upper()}_PORT": str(port) for name, port in ports.items()}
    # no issuer configured: `steiger run` starts its development issuer, and the demo
    # signs in with it (its secret in the same var directory)
    env |= {"STEIGER_DEV_ISSUER_PORT": str(free_port()), "STEIGER_VAR_DIR": str(tmp_path / "var")}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    bootstrap = f"127.0.0.1:{broker_port}"
    run = steiger(
        "run", "--var-dir", str(tmp_path / "var"), "--broker-port", str(broker_port), env=env
    )
    try:
        eventually(lambda: all(healthy(url) for url in urls.values()), timeout=90)

        killed = broker_pid(broker_port)
        os.kill(killed, signal.SIGKILL)
        eventually(lambda: broker_pid(broker_port) not in (None, killed), timeout=30)
        eventually(lambda: all(healthy(url) for url in urls.values()), timeout=90)
        topics = asyncio.run(partitions_of(bootstrap))
        for name in SERVICES:
            assert topics[dead_letter_topic(name)] == 2
        assert topics[events_topic("participant")] == 2
        # Every consumer parks a record no producer signed: they consume again (their groups
        # rejoined the new broker), and what they park after the restart stays parked.
        asyncio.run(produce(bootstrap, events_topic("participant"), b"{}", b"x", []))
        consumers = [name for name in SERVICES if name != "participant"]
        eventually(lambda: all(parked(urls[name]) for name in consumers), timeout=90)
        eventually(lambda: parked_records(bootstrap, dead_letter_topic("bridge")), timeout=90)

        demo = steiger("demo", "--participants", "5", env=env)  # the minimum cell of Table 4
        output = demo.communicate(timeout=120)[0].decode()
        assert demo.returncode == 0, output
        assert "What reporting shows" in output and "(demo 2)" in output
        # a single parent with two school-age children gets a tailored index (Alphen: × 1.05)
        assert "Economic Independence Index" in output
        assert "1a2s" in output and "tailored" in output and "€ 3062.50" in output
        # the demo cohort's Table 4, beside EMPath's published figures
        assert "Table 4 for cohort" in output and "suppressed" not in output
        assert "employed" in output and "59% → 70%" in output
        # the first participant consented: the demo's chain partner got their plan, signed
        assert "What schuldhulp-demo received" in output and "SH-DEMO-1" in output
        assert "SH-DEMO-2" not in output
        help_text = subprocess.run(
            [sys.executable, "-m", "steiger.cli", "demo", "--help"],
            capture_output=True, text=True, env=env, check=True,
        ).stdout  # fmt: skip
        assert "STEIGER_<SERVICE>_PORT" in help_text
        warning = httpx.get(f"{urls['bridge']}/health", timeout=5).json()["warning"]
        assert "development issuer" in warning
    finally:
        run.send_signal(signal.SIGINT)
        try:
            output = run.communicate(timeout=30)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            run.kill()
            output = run.communicate()[0].decode(errors="replace")
        print("steiger run said:\n" + output[-6000:])  # shown when the test fails
