"""Every operation of every service's OpenAPI document, fuzzed by schemathesis over HTTP
against the running system: no input, however odd, gets a server error, and every answer
keeps to the document (a documented status code and media type, a body that fits its
schema). Bounded (a fixed seed, ten examples an operation, the six services side by side)
so it stays a minute."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from steiger.cli.credentials import DEMO_TEAM
from steiger.shared.access import Role
from steiger.shared.services import SERVICES

from .conftest import start_system

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def fuzzed_system(tmp_path_factory):
    # unknown participant ids are what a fuzzer sends most: answer them without the wait
    # and a partner's feed waits no longer for an event than that
    running = start_system(
        tmp_path_factory.mktemp("fuzzed"),
        {
            "STEIGER_REGISTRATION_WAIT_SECONDS": "0.05",
            "STEIGER_NOTIFICATIONS_PARTNER_FEED_WAIT_SECONDS": "0.05",
        },
    )
    yield running
    running.stop()


CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    ]
)


def test_every_answer_of_every_service_keeps_to_its_openapi_document(fuzzed_system):
    st = shutil.which("st", path=str(Path(sys.executable).parent))
    assert st, "schemathesis is a dev dependency"
    # past the door: a caller with every role but the participant's (the door itself is
    # walked by tests/contract/test_access.py)
    roles = [role for role in Role if role is not Role.PARTICIPANT]
    token = fuzzed_system.token(*roles, teams=(DEMO_TEAM,))
    runs = {
        name: subprocess.Popen(
            [
                st,
                "run",
                f"{fuzzed_system.url(name)}/openapi.json",
                "--checks",
                CHECKS,
                "--max-examples",
                "10",
                "--seed",
                "23",
                "--request-timeout",
                "15",
                "--header",
                f"Authorization: Bearer {token}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        for name in SERVICES
    }
    failed = {}
    for name, run in runs.items():
        output = run.communicate(timeout=600)[0]
        if run.returncode != 0:
            failed[name] = output[-4000:]
    assert not failed, "\n\n".join(f"== {name}\n{output}" for name, output in failed.items())
