"""Kafka topic names: one per producing service, one dead-letter topic per consuming service."""

from __future__ import annotations

PRODUCERS = ("participant", "bridge", "planning", "rewards", "notifications")
CONSUMES = {
    "bridge": ("participant",),
    "planning": ("participant", "bridge"),
    "rewards": ("participant", "planning", "bridge"),
    "notifications": ("participant", "bridge", "planning", "rewards"),
    "reporting": ("participant", "bridge", "planning", "rewards"),
}
"""Which producers' topics each consuming service subscribes to: the one place that says so."""


def events_topic(service: str) -> str:
    return f"steiger.{service}.events.v1"


def dead_letter_topic(consumer: str) -> str:
    return f"steiger.{consumer}.dead-letter.v1"
