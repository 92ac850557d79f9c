"""`steiger replay reporting`: asks the running reporting service to rebuild its projections
aside and swap them in, and follows it with a progress bar."""

from __future__ import annotations

import time
from collections.abc import Mapping

import httpx
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


def store_sizes(producer_urls: dict[str, str]) -> int | None:
    """An upper bound of the events to read: the producers' store positions."""
    total = 0
    for url in producer_urls.values():
        try:
            total += httpx.get(f"{url}/health", timeout=5).json()["store"]["notification_id"]
        except (httpx.HTTPError, KeyError, TypeError):
            return None
    return total


def replay_reporting(
    console: Console,
    url: str,
    source: str,
    producer_urls: dict[str, str],
    operator: Mapping[str, str],
) -> dict:
    """`operator`: the Authorization header of an operator."""
    started = httpx.post(
        f"{url}/operations/replay", json={"source": source}, timeout=10, headers=operator
    )
    if started.status_code != 202:
        raise RuntimeError(f"reporting refused the replay: {started.status_code} {started.text}")
    total = store_sizes(producer_urls)
    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
               TextColumn("{task.completed:,.0f} events"), TimeElapsedColumn()]  # fmt: skip
    with Progress(*columns, console=console) as bar:
        task = bar.add_task(f"replay from {source}", total=total)
        while True:
            status = httpx.get(f"{url}/operations/replay", timeout=10, headers=operator).json()
            bar.update(task, completed=status["applied"], description=status["state"])
            if status["state"] in ("done", "failed"):
                break
            time.sleep(0.2)
    return status
