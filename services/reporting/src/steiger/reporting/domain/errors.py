from __future__ import annotations


class ReportingError(Exception):
    """Reporting rule broken"""


class NoProgressYet(ReportingError):
    """Nothing known about this participant yet"""
