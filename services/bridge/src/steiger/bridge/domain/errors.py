from __future__ import annotations


class BridgeError(Exception):
    """Bridge rule broken"""


class DefinitionNotFound(BridgeError):
    """Bridge definition not found"""


class InvalidDefinition(BridgeError):
    """Bridge definition is invalid"""


class FieldError(BridgeError):
    """A rule broken by one field of the input; the API names the field."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.problem_extensions = {"errors": [{"field": field, "message": message}]}


class UnknownPosition(FieldError):
    """Position not on this Bridge"""


class NoAssessmentYet(BridgeError):
    """No Bridge assessment recorded yet"""


class NoCostTableRow(FieldError):
    """No cost-table row for this household"""


class HouseholdUnknown(BridgeError):
    """The participant's household is not known here yet"""


class InvalidAnswers(FieldError):
    """Answers do not fit the questionnaire"""


class UnknownReference(FieldError):
    """Refers to reference data that is not loaded"""
