from __future__ import annotations


class BridgeError(Exception):
    """Bridge rule broken"""


class DefinitionNotFound(BridgeError):
    """Bridge definition not found"""


class InvalidDefinition(BridgeError):
    """Bridge definition is invalid"""


class UnknownPosition(BridgeError):
    """Position not on this Bridge"""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.problem_extensions = {"errors": [{"field": field, "message": message}]}


class NoAssessmentYet(BridgeError):
    """No Bridge assessment recorded yet"""


class NoCostTableRow(BridgeError):
    """No cost-table row for this household"""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.problem_extensions = {"errors": [{"field": field, "message": message}]}


class HouseholdUnknown(BridgeError):
    """The participant's household is not known here yet"""


class InvalidAnswers(BridgeError):
    """Answers do not fit the questionnaire"""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.problem_extensions = {"errors": [{"field": field, "message": message}]}
