from __future__ import annotations


class ParticipantError(Exception):
    """Participant rule broken"""


class ParticipantNotFound(ParticipantError):
    """Participant not found"""
