from __future__ import annotations


class RewardsError(Exception):
    """Rewards rule broken"""


class InvalidMenu(RewardsError):
    """Rewards menu is invalid"""


class RewardNotFound(RewardsError):
    """Reward not found"""


class InvalidPayout(RewardsError):
    """Not possible"""


class GroupAccountNotFound(RewardsError):
    """Group account not found"""


class InsufficientGroupBalance(RewardsError):
    """Group account balance too low"""
