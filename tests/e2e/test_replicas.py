"""Two processes of every service on PostgreSQL and the embedded broker: load goes through
both, the leading process of every service is SIGKILLed mid-load, and every accepted
command's effect is found exactly once in every service downstream, each celebration is
mailed once, and the other process takes over publishing within 10 seconds."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter

import httpx
import pytest

from steiger.cli.client import SteigerClient
from steiger.shared.services import SERVICES
from steiger.shared.topics import CONSUMES, dead_letter_topic, events_topic

from ..notifications.servers import smtp_server
from .balancer import Balancer
from .conftest import _free_port, own_database, staff_token, start_system
from .test_faults import topic_records
from .test_notifications import SIDE_BY_SIDE, mailing_to

pytestmark = pytest.mark.e2e
PARTICIPANTS, GOALS_EACH = 16, 2
TAKEOVER_SECONDS = 10.0


class Pair:
    """The two processes of each service, and a client that sends each command to one of
    them in turn; when the one it chose is gone (connection refused: nothing was done), it
    sends the command to the other."""

    def __init__(self, system, token: str) -> None:
        self.system = system
        headers = {"Authorization": f"Bearer {token}"}
        self.http = httpx.Client(timeout=10.0, headers=headers)
        self.turn = 0
        self.ambiguous = 0
        """Commands whose process died while answering: done or not, the stores say."""

    def urls(self, service: str) -> list[str]:
        both = [self.system.services[service].url, self.system.replicas[service].url]
        self.turn += 1
        return both if self.turn % 2 else both[::-1]

    def post(self, service: str, path: str, body: dict) -> dict | None:
        deadline = time.monotonic() + 90
        while True:
            response = self._post(service, path, body)
            # A participant registered a moment ago, while the participant service's relay
            # or this service's consumer group was taking over: not heard of yet. A client
            # asks again, as it would after any 404 about someone it just registered.
            if response is None or response.status_code != 404 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        if response is None:
            return None
        assert response.status_code < 300, (path, response.status_code, response.text)
        return response.json() if response.content else {}

    def _post(self, service: str, path: str, body: dict) -> httpx.Response | None:
        for url in self.urls(service):
            try:
                return self.http.post(url + path, json=body)
            except httpx.ConnectError:
                continue  # that process is gone; the command never reached it
            except httpx.TransportError:
                self.ambiguous += 1
                return None
        raise AssertionError(f"no process of {service} answered")


def leader_of(system, service: str):
    for process in (system.services[service], system.replicas[service]):
        health = httpx.get(f"{process.url}/health", timeout=5).json()
        if health["leader"]:
            return process
    return None


def test_every_effect_once_when_the_leading_process_of_every_service_is_killed_mid_load(
    tmp_path, e2e, postgres_dsn
):
    database, _ = own_database(postgres_dsn, "steiger_replicas")
    firsts = {name: _free_port() for name in SERVICES}
    seconds = {name: _free_port() for name in SERVICES}
    # the services reach each other as they would through a Kubernetes Service
    balancers = {name: Balancer([firsts[name], seconds[name]], _free_port()) for name in SERVICES}
    with smtp_server() as (mailbox, smtp_port):
        env = {
            **mailing_to(smtp_port),
            "STEIGER_PARTICIPANT_PEER_URLS": json.dumps(
                {name: balancers[name].url for name in SERVICES if name != "participant"}
            ),
            "STEIGER_REPORTING_PRODUCER_URLS": json.dumps(
                {name: balancers[name].url for name in CONSUMES["reporting"]}
            ),
            "STEIGER_NOTIFICATIONS_PARTICIPANT_URL": balancers["participant"].url,
            "STEIGER_NOTIFICATIONS_PLANNING_URL": balancers["planning"].url,
            **database,
        }
        system = start_system(tmp_path, env, firsts)
        try:
            system.start_replicas(seconds)
            leaders = {name: leader_of(system, name) for name in SERVICES}
            assert all(leaders.values()), leaders  # one of each pair leads
            pair = Pair(system, staff_token(system))
            # a replay swaps one process's projections: refused while another one runs
            refused = pair.http.post(f"{system.services['reporting'].url}/operations/replay",
                                     json={"source": "kafka"})  # fmt: skip
            assert refused.status_code == 409, refused.text
            assert "Scale reporting to one process" in refused.json()["detail"]
            accepted: dict[str, list[str]] = {}
            achieved: list[str] = []
            halfway = threading.Event()

            def load() -> None:
                for n in range(PARTICIPANTS):
                    if n == PARTICIPANTS // 2:
                        halfway.set()
                    body = {
                        "name": f"Deelnemer {n}",
                        "birth_year": 1985,
                        "municipality": "Alphen aan den Rijn",
                        "programme": "debt-help",
                        "household": {"adults": 1},
                        "email": f"d{n}@example.nl",
                    }
                    registered = pair.post("participant", "/participants", body)
                    if registered is None:
                        continue
                    pid = registered["participant_id"]
                    goals = accepted.setdefault(pid, [])
                    for g in range(GOALS_EACH):
                        made = pair.post(
                            "planning",
                            f"/participants/{pid}/goals",
                            {"title": f"Doel {g}", "horizon": "short", "column": "debts",
                             "target_step": 2},
                        )  # fmt: skip
                        if made is not None:
                            goals.append(made["id"])
                    if goals and pair.post("planning", f"/goals/{goals[0]}/achievement", {}):
                        achieved.append(goals[0])

            loading = threading.Thread(target=load)
            loading.start()
            assert halfway.wait(timeout=120)
            killed_at = time.monotonic()
            for process in leaders.values():
                process.kill()
            survivors = {
                name: system.replicas[name] if leader is system.services[name]
                else system.services[name]
                for name, leader in leaders.items()
            }  # fmt: skip

            def everyone_took_over() -> bool:
                for process in survivors.values():
                    health = httpx.get(f"{process.url}/health", timeout=5).json()
                    if not health["leader"] or not health.get("relay", {"ready": True})["ready"]:
                        return False
                return True

            e2e.wait_until(everyone_took_over, timeout=30, interval=0.1)
            took_over = time.monotonic() - killed_at
            loading.join(timeout=300)
            assert not loading.is_alive()
            assert took_over <= TAKEOVER_SECONDS, f"took over after {took_over:.1f} s"

            # what happened is what the stores say: planning's goals, for everyone accepted
            reader = SteigerClient({name: p.url for name, p in survivors.items()},
                                   {"Authorization": f"Bearer {staff_token(system)}"})  # fmt: skip
            stored: dict[str, dict[str, str]] = {}
            for pid, goals in accepted.items():
                known = f"/participants/{pid}/goals"
                answer = e2e.wait_until(
                    lambda path=known: (r := reader.get("planning", path)).status_code == 200 and r,
                    timeout=90,
                )
                listed = answer.json()
                stored[pid] = {g["goal_id"]: g["status"] for g in listed}
                assert set(goals) <= set(stored[pid])  # every accepted goal, once
                assert len(listed) == len(stored[pid])
            assert set(achieved) <= {g for s in stored.values() for g, st in s.items()
                                     if st == "achieved"}  # fmt: skip
            done = [g for s in stored.values() for g, st in s.items() if st == "achieved"]

            def reporting_agrees() -> bool:
                for pid, goals in stored.items():
                    view = reader.progress(pid)
                    seen = {g["goal_id"]: g["status"] for g in (view or {}).get("goals", [])}
                    if seen != goals or len((view or {}).get("goals", [])) != len(goals):
                        return False
                return True

            e2e.wait_until(reporting_agrees, timeout=120)

            seen: dict[str, object] = {}

            def celebrated() -> list[dict] | None:
                sent, waiting = [], []
                for pid in stored:
                    view = reader.get("notifications", f"/participants/{pid}/notifications")
                    body = view.json()
                    waiting += body["pending"] + body["failed"]
                    sent += body["sent"]
                goal_mails = [n for n in sent if n["kind"] == "goal-achieved"]
                seen.update(waiting=waiting, celebrated=len(goal_mails), achieved=len(done))
                return sent if not waiting and len(goal_mails) == len(done) else None

            try:
                sent = e2e.wait_until(celebrated, timeout=120)
            except AssertionError:
                raise AssertionError(f"not every celebration went out: {seen}") from None
            # rewards: one per achieved goal, whichever process heard of it
            earned = [json.loads(r.value) for r in topic_records(system, events_topic("rewards"))]
            triggers = Counter(e["trigger"] for e in earned)
            assert set(triggers.values()) == {1} and len(triggers) == len(done)
            # mails: one per notification sent; a send in flight at the SIGKILL may have gone
            # out again under the same Message-ID (its idempotency key)
            ids = Counter(m["Message-ID"] for m in mailbox.messages)
            assert set(ids) == {f"<{n['notification_id']}@steiger.example>" for n in sent}
            assert len(mailbox.messages) - len(ids) <= SIDE_BY_SIDE
            for name in SERVICES:
                assert topic_records(system, dead_letter_topic(name)) == [], name
            assert pair.ambiguous <= len(SERVICES)  # at most a request in flight per kill
        finally:
            system.stop()
            for balancer in balancers.values():
                balancer.close()
