"""Integration events, one module per producing service.

Importing this package registers them all."""

from steiger.shared.contracts import bridge, notifications, participant, planning, rewards
from steiger.shared.contracts.base import REGISTRY, IntegrationEvent, Money

__all__ = [
    "REGISTRY",
    "IntegrationEvent",
    "Money",
    "bridge",
    "notifications",
    "participant",
    "planning",
    "rewards",
]
