from __future__ import annotations


class RewardsError(Exception):
    """Rewards rule broken"""


class InvalidMenu(RewardsError):
    """Rewards menu is invalid"""
