"""The alert rules and the Grafana dashboard in deploy/ name only series the services expose
(a renamed metric must not silently blind an alert), and are valid as files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from steiger.notifications.main import parts as notifications_parts
from steiger.notifications.settings import Settings

OBSERVABILITY = Path(__file__).parents[2] / "deploy" / "observability"
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}


def exposed(tmp_path) -> set[str]:
    """Every series name a service can expose (notifications has all of the shared ones and
    its own), whether or not it has a sample yet."""
    built = notifications_parts(Settings(var_dir=tmp_path))
    try:
        families = list(built.metrics.registry.collect())
    finally:
        built.application.close()
    return {family.name + suffix for family in families for suffix in SUFFIXES[family.type]}


def named(text: str) -> set[str]:
    return set(re.findall(r"\bsteiger_[a-z_]+", text))


def test_every_alert_names_an_exposed_series(tmp_path):
    rules = yaml.safe_load((OBSERVABILITY / "alerts.yaml").read_text())
    expressions = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    assert expressions and all(rule.get("alert") for g in rules["groups"] for rule in g["rules"])
    used = set().union(*(named(e) for e in expressions))
    assert used and used <= exposed(tmp_path), used - exposed(tmp_path)


def test_every_dashboard_panel_queries_an_exposed_series(tmp_path):
    dashboard = json.loads((OBSERVABILITY / "grafana-dashboard.json").read_text())
    expressions = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    used = set().union(*(named(e) for e in expressions))
    available = exposed(tmp_path)
    assert used <= available, used - available
    # the series the issue names are on the dashboard
    for series in ("steiger_http_requests_total", "steiger_relay_lag_events",
                   "steiger_consumer_lag_records", "steiger_dead_lettered_records",
                   "steiger_event_store_append_duration_seconds_bucket",
                   "steiger_notifications_total"):  # fmt: skip
        assert series in used, series
