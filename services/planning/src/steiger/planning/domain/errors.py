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


class InvalidChange(PlanningError):
    """Not possible"""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.problem_extensions = (
            {"errors": [{"field": field, "message": message}]} if field else {}
        )


class MeetingNotFound(PlanningError):
    """Meeting not found"""


class GroupNotFound(PlanningError):
    """Group not found"""


class UnknownReference(PlanningError):
    """Refers to something that does not exist"""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.problem_extensions = {"errors": [{"field": field, "message": message}]}
