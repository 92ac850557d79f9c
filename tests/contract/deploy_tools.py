"""The command-line tools the deployment tests render and validate with: kubectl (Kustomize),
Node.js with npm (the Strimzi and CloudNativePG schemas), docker-compose (the compose file).
Where one is missing a test says so and skips, unless STEIGER_REQUIRE_DEPLOY_TOOLS is set
(`.ci/run` sets it, and installs them)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
DEPLOY = ROOT / "deploy"


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        reason = f"{name} is not installed (see tests/contract/deploy_tools.py)"
        if os.environ.get("STEIGER_REQUIRE_DEPLOY_TOOLS"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def run(*command: str, stdin: str | None = None, cwd: Path | None = None, check: bool = True):
    done = subprocess.run(
        command, input=stdin, capture_output=True, text=True, cwd=cwd, timeout=300
    )
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done
