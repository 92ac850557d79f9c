"""The whole system on one machine: the broker and the six services as separate processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from steiger.cli.broker import EmbeddedBroker
from steiger.cli.issuer import DEFAULT_PORT, DEMO_USERS, DevelopmentIssuer
from steiger.shared.kafka import ensure_topics, use_connection
from steiger.shared.services import SERVICES, port_of, url_of
from steiger.shared.settings import KafkaSettings
from steiger.shared.topics import CONSUMES, PRODUCERS, dead_letter_topic, events_topic

WEB = "web"
WEB_PORT = 8000


def web_port() -> int:
    return int(os.environ.get("STEIGER_WEB_PORT") or WEB_PORT)


def configured_partitions() -> int:
    """The partitions the services read (their settings), so topics made here match theirs."""
    return KafkaSettings().kafka_partitions


def all_topics() -> list[str]:
    return [events_topic(p) for p in PRODUCERS] + [dead_letter_topic(s) for s in SERVICES]


ALLOCATOR: dict[str, str] = {"MALLOC_TRIM_THRESHOLD_": "131072", "MALLOC_MMAP_THRESHOLD_": "131072"}
"""glibc's allocator, as a service process starts (it reads these then, not later): memory
freed at the top of the heap goes back to the system once 128 KiB are free, and allocations
of 128 KiB or more are mapped on their own and returned when freed. A long-running service
otherwise keeps the high-water mark of every burst (notifications after a million events:
266 MB without, 199 MB with, 198 MB with `steiger.shared.memory`'s trim beside it;
docs/benchmarks.md, "Resident memory"). The image sets the same
(deploy/Dockerfile); the environment may say otherwise."""


@dataclass
class ServiceProcess:
    name: str
    port: int
    env: Mapping[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return url_of(self.name, port=self.port)

    command: tuple[str, ...] = ()
    """What runs it: `python -m steiger.<name>` unless given."""

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", *(self.command or (f"steiger.{self.name}",))],
            env={
                **ALLOCATOR,
                **os.environ,
                **self.env,
                f"STEIGER_{self.name.upper()}_PORT": str(self.port),
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flushing, as a crash would."""
        self.stop(signal.SIGKILL)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def healthy(self) -> bool:
        """Ready, and its consumer (if it has one) in its group: a service answers before its
        consumer joined, but a system has started once everything runs."""
        try:
            response = httpx.get(f"{self.url}/health", timeout=2.0)
        except httpx.HTTPError:
            return False
        consumer = response.json().get("consumer", {}) if response.status_code == 200 else {}
        return response.status_code == 200 and consumer.get("joined", True)


@dataclass
class System:
    var_dir: Path
    broker: EmbeddedBroker | None
    bootstrap_servers: str
    ports: Mapping[str, int] = field(default_factory=lambda: {s: port_of(s) for s in SERVICES})
    """Where the services listen: STEIGER_<SERVICE>_PORT where set, else 8001-8006."""
    partitions: int = field(default_factory=configured_partitions)
    extra_env: Mapping[str, str] = field(default_factory=dict)
    services: dict[str, ServiceProcess] = field(default_factory=dict)
    oidc_issuer: str | None = field(default_factory=lambda: os.environ.get("STEIGER_OIDC_ISSUER"))
    """The organisation's issuer; without one, the system runs a development issuer."""
    issuer_port: int = field(
        default_factory=lambda: int(os.environ.get("STEIGER_DEV_ISSUER_PORT") or DEFAULT_PORT)
    )
    issuer: DevelopmentIssuer | None = None
    """The development issuer, when the system runs one (it mints the CLI's tokens)."""
    issuer_process: ServiceProcess | None = None
    replicas: dict[str, ServiceProcess] = field(default_factory=dict)
    """A second process of each service, when started (on PostgreSQL: `start_replicas`)."""
    env: dict[str, str] = field(default_factory=dict)
    """What the services' processes are started with."""
    web_port: int | None = None
    """Where the mentors' web app listens (`steiger run`: STEIGER_WEB_PORT, else 8000);
    0: a free port, chosen as it starts (tests, benchmarks); None: not started."""
    web: ServiceProcess | None = None

    def start(self, timeout: float = 60.0) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        (self.var_dir / "logs").mkdir(exist_ok=True)
        if self.broker is not None:
            self.broker.start()
        self.create_topics()
        access = self.start_issuer() if self.oidc_issuer is None else {}
        # Where the services find each other, unless the environment says otherwise.
        peers = {
            "STEIGER_PARTICIPANT_PEER_URLS": json.dumps(
                {name: self.url_of(name) for name in SERVICES if name != "participant"}
            ),
            "STEIGER_REPORTING_PRODUCER_URLS": json.dumps(
                {name: self.url_of(name) for name in CONSUMES["reporting"]}
            ),
            "STEIGER_NOTIFICATIONS_PARTICIPANT_URL": self.url_of("participant"),
            "STEIGER_NOTIFICATIONS_PLANNING_URL": self.url_of("planning"),
            "STEIGER_NOTIFICATIONS_PUBLIC_URL": self.url_of("notifications"),
        }
        env = {
            **{name: url for name, url in peers.items() if name not in os.environ},
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers,
            "STEIGER_VAR_DIR": str(self.var_dir),
            "STEIGER_KAFKA_PARTITIONS": str(self.partitions),
            **access,
            **self.extra_env,
        }
        self.env = env
        for name in SERVICES:
            service = ServiceProcess(
                name, self.ports[name], env, self.var_dir / "logs" / f"{name}.log"
            )
            service.start()
            self.services[name] = service
        self.wait_healthy(timeout)
        if self.issuer is not None:
            self.register_demo_users()
        if self.web_port is not None:
            self.start_web(timeout)

    def start_web(self, timeout: float = 60.0) -> None:
        """The mentors' web app: it calls the six services where this system runs them. On a
        port chosen as it starts, it tries another if that one was taken meanwhile (by an
        outgoing connection of the services started before it, say)."""
        for attempt in range(3):
            port = self.web_port or _free_port()
            public_url = url_of(WEB, port=port)
            env = {
                **self.env,
                "STEIGER_WEB_PUBLIC_URL": public_url,
                "STEIGER_WEB_SERVICE_URLS": json.dumps({n: self.url_of(n) for n in SERVICES}),
            }
            self.web = ServiceProcess(WEB, port, env, self.var_dir / "logs" / "web.log")
            self.web.start()
            if self._ready(self.web, f"{public_url}/health/ready", timeout):
                return
            if self.web_port or attempt == 2:
                raise RuntimeError(f"the web app exited; see {self.web.log_path}")

    @staticmethod
    def _ready(process: ServiceProcess, url: str, timeout: float) -> bool:
        """True once it answers; False if it exited first."""
        deadline = time.monotonic() + timeout
        while not _answers(url):
            if not process.running():
                return False
            if time.monotonic() > deadline:
                raise RuntimeError(f"{process.name} did not start; see {process.log_path}")
            time.sleep(0.2)
        return True

    def register_demo_users(self) -> None:
        """The development issuer's demo mentors, registered in the participant service with
        their team (once: a second time is a 409), so that they have caseloads."""
        assert self.issuer is not None
        headers = {"Authorization": f"Bearer {self.token('administrator')}"}
        for user in DEMO_USERS:
            if "mentor" not in user.roles:
                continue
            body = {"name": user.name, "team": user.teams[0], "mentor_id": user.subject}
            answer = httpx.post(
                f"{self.url_of('participant')}/mentors", json=body, headers=headers, timeout=10
            )
            if answer.status_code not in (201, 409):
                raise RuntimeError(f"could not register {user.name}: {answer.status_code}")

    def start_replicas(self, ports: Mapping[str, int], timeout: float = 90.0) -> None:
        """A second process of every service, on `ports`, sharing the first one's store
        (a PostgreSQL schema: a SQLite file has one process) and consumer group."""
        for name in SERVICES:
            replica = ServiceProcess(
                name, ports[name], self.env, self.var_dir / "logs" / f"{name}-2.log"
            )
            replica.start()
            self.replicas[name] = replica
        deadline = time.monotonic() + timeout
        while not all(replica.healthy() for replica in self.replicas.values()):
            exited = [r.name for r in self.replicas.values() if not r.running()]
            if exited or time.monotonic() > deadline:
                raise RuntimeError(f"replicas not healthy (exited: {exited}); see var/logs")
            time.sleep(0.2)

    def start_issuer(self) -> dict[str, str]:
        """The development issuer, and what the services need to use it: its address, and
        each service's client secret."""
        url = f"http://127.0.0.1:{self.issuer_port}"
        self.issuer = DevelopmentIssuer(self.var_dir, url)
        self.issuer_process = ServiceProcess(
            "issuer",
            self.issuer_port,
            {},
            self.var_dir / "logs" / "issuer.log",
            command=(
                "steiger.cli.issuer",
                "--var-dir",
                str(self.var_dir),
                "--port",
                str(self.issuer_port),
            ),  # fmt: skip
        )
        self.issuer_process.start()
        deadline = time.monotonic() + 30
        while not _answers(f"{url}/.well-known/openid-configuration"):
            if not self.issuer_process.running() or time.monotonic() > deadline:
                raise RuntimeError(
                    f"the development issuer did not start; see {self.issuer_process.log_path}"
                )
            time.sleep(0.1)
        return {
            "STEIGER_OIDC_ISSUER": url,
            "STEIGER_DEVELOPMENT_ISSUER": "true",
            **{
                f"STEIGER_{name.upper()}_CLIENT_SECRET": self.issuer.client_secret(
                    f"steiger-{name}"
                )
                for name in SERVICES
            },
        }

    def token(self, *roles: str, subject: str = "steiger-cli", teams: tuple[str, ...] = ()) -> str:
        """A token from the development issuer (for the CLI's own calls and tests)."""
        assert self.issuer is not None, "the system runs with the organisation's issuer"
        return self.issuer.mint(subject, roles, teams=list(teams))

    def create_topics(self) -> None:
        import asyncio

        if self.broker is None:  # an external cluster: reached as its settings say (TLS, SASL)
            use_connection(KafkaSettings().kafka_connection())
        asyncio.run(ensure_topics(self.bootstrap_servers, all_topics(), self.partitions))

    def wait_healthy(self, timeout: float = 60.0, names: tuple[str, ...] = SERVICES) -> None:
        deadline = time.monotonic() + timeout
        pending = set(names)
        while pending:
            # a broker that dies while the services start is brought back: they reconnect
            self._broker_back_if_exited()
            for name in list(pending):
                service = self.services[name]
                if not service.running():
                    raise RuntimeError(f"{name} exited; see {service.log_path}")
                if service.healthy():
                    pending.discard(name)
            if pending and time.monotonic() > deadline:
                raise TimeoutError(f"not healthy after {timeout}s: {sorted(pending)}")
            time.sleep(0.2)

    def restart_service(self, name: str, timeout: float = 60.0) -> None:
        self.services[name].start()
        self.wait_healthy(timeout, (name,))

    def restart_what_exited(self) -> list[str]:
        """The supervisor's round: the broker and any service that exited are started again
        (the broker empty: the topics are made first, the relays refill them). Says what it
        did, a line each."""
        said = [line for line in [self._broker_back_if_exited()] if line]
        if self.issuer_process is not None and not self.issuer_process.running():
            self.issuer_process.start()
            said.append("the development issuer exited; started again")
        for name, service in self.services.items():
            if not service.running():
                service.start()
                said.append(f"{name} exited; started again (log: {service.log_path})")
        if self.web is not None and not self.web.running():
            self.web.start()
            said.append(f"the web app exited; started again (log: {self.web.log_path})")
        return said

    def _broker_back_if_exited(self) -> str | None:
        """An embedded broker that exited is started again (empty: the topics are made first,
        the relays refill them); says so, or None when it runs (or is an external cluster)."""
        if self.broker is None or self.broker.running():
            return None
        try:
            self.restart_broker()
        except Exception as error:  # e.g. its port not free yet: the next round tries
            self.broker.stop()
            return f"the broker exited and could not start yet ({error!r}); trying again"
        return "the broker exited; started again, empty: the relays refill it"

    def restart_broker(self) -> None:
        """Stopped if it runs, started empty, its topics made again."""
        assert self.broker is not None, "only the embedded broker can be restarted"
        self.broker.restart()
        self.create_topics()

    def stop(self) -> None:
        if self.web is not None:
            self.web.stop()
        for service in (*self.services.values(), *self.replicas.values()):
            service.stop()
        if self.issuer_process is not None:
            self.issuer_process.stop()
        if self.broker is not None:
            self.broker.stop()

    def url(self, name: str) -> str:
        return self.services[name].url

    def url_of(self, name: str) -> str:
        return url_of(name, port=self.ports[name])


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False
