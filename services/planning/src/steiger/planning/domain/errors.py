from __future__ import annotations


class PlanningError(Exception):
    """Planning rule broken"""


class GoalNotFound(PlanningError):
    """Goal not found"""


class ActionNotFound(PlanningError):
    """Action not found"""


class GoalNotActive(PlanningError):
    """Goal is not active"""


class ActionNotOpen(PlanningError):
    """Action is no longer open"""
