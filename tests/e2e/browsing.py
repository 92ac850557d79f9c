"""A real browser for the web app's tests: Debian's Chromium, driven by Playwright, with
axe-core (from npm, `tests/e2e/browser/package.json`) run on every page a test visits.

Where Chromium or npm is missing the tests say so and skip, unless STEIGER_REQUIRE_BROWSER is
set (`.ci/run` sets it, and installs them)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

BROWSER_TOOLS = Path(__file__).parent / "browser"
AXE = BROWSER_TOOLS / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = Path(
    os.environ.get("STEIGER_SCREENSHOTS", Path(__file__).parents[2] / "var" / "screenshots")
)
"""Where the test run leaves pictures of the main pages (not committed)."""
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing(reason: str) -> None:
    if os.environ.get("STEIGER_REQUIRE_BROWSER"):
        pytest.fail(reason)
    pytest.skip(reason)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        _missing("Chromium is not installed (apt-get install -y chromium)")
    assert found is not None
    return found


def axe_source() -> str:
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            _missing("npm is not installed: axe-core comes from the npm registry")
        assert npm is not None
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--silent"],
            cwd=BROWSER_TOOLS,
            check=True,
            timeout=300,
        )
    return AXE.read_text("utf-8")


def accessibility_violations(page: Any, source: str) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is now. It runs in the page
    through the DevTools protocol, which the app's Content-Security-Policy does not block."""
    page.evaluate(source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
