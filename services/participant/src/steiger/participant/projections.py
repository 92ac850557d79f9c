"""Read models of this service. The search index holds names, so it lives in memory only:
built from the store (decrypting) on first use, never written anywhere. The team index says
which mentors are in a team, the status index each participant's status now (a team lead's
caseloads), both built likewise on first use."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any
from uuid import UUID

from steiger.participant.domain.personal_data import PersonalData


class SearchIndex:
    def __init__(self, load: Callable[[], list[tuple[UUID, PersonalData]]]) -> None:
        self._load = load
        self._entries: dict[UUID, PersonalData] | None = None
        self._lock = threading.Lock()

    def _ready(self) -> dict[UUID, PersonalData]:
        with self._lock:
            if self._entries is None:
                self._entries = dict(self._load())
            return self._entries

    def add(self, participant_id: UUID, personal: PersonalData) -> None:
        with self._lock:
            if self._entries is not None:
                self._entries[participant_id] = personal

    def remove(self, participant_id: UUID) -> None:
        with self._lock:
            if self._entries is not None:
                self._entries.pop(participant_id, None)

    def name_of(self, participant_id: UUID) -> str | None:
        found = self._ready().get(participant_id)
        return found.name if found is not None else None

    def find(
        self, name: str | None, external_id: str | None, birth_year: int | None, limit: int = 50
    ) -> list[dict[str, Any]]:
        fragment = name.casefold() if name else None
        hits = [
            {
                "participant_id": participant_id,
                "name": personal.name,
                "birth_year": personal.birth_year,
                "external_id": personal.external_id,
            }
            for participant_id, personal in self._ready().items()
            if (fragment is None or fragment in personal.name.casefold())
            and (external_id is None or personal.external_id == external_id)
            and (birth_year is None or personal.birth_year == birth_year)
        ]
        return sorted(hits, key=lambda hit: str(hit["name"]))[:limit]


class TeamIndex:
    """Mentors by team: built from the store on first use, kept up to date as mentors are
    registered (here or by another process of the service)."""

    def __init__(self, load: Callable[[], list[tuple[UUID, str | None]]]) -> None:
        self._load = load
        self._teams: dict[str, set[UUID]] | None = None
        self._lock = threading.Lock()

    def _ready(self) -> dict[str, set[UUID]]:
        with self._lock:
            if self._teams is None:
                teams: dict[str, set[UUID]] = {}
                for mentor_id, team in self._load():
                    if team is not None:
                        teams.setdefault(team, set()).add(mentor_id)
                self._teams = teams
            return self._teams

    def add(self, mentor_id: UUID, team: str | None) -> None:
        with self._lock:
            if self._teams is not None and team is not None:
                self._teams.setdefault(team, set()).add(mentor_id)

    def mentors(self, team: str) -> set[UUID]:
        return set(self._ready().get(team, ()))


class StatusIndex:
    """Each participant's status now, kept as statuses change (here or in another process);
    an erased participant has none."""

    def __init__(self, load: Callable[[], list[tuple[UUID, str]]]) -> None:
        self._load = load
        self._statuses: dict[UUID, str] | None = None
        self._lock = threading.Lock()

    def _ready(self) -> dict[UUID, str]:
        with self._lock:
            if self._statuses is None:
                self._statuses = dict(self._load())
            return self._statuses

    def set(self, participant_id: UUID, status: str | None) -> None:
        with self._lock:
            if self._statuses is None:
                return
            if status is None:
                self._statuses.pop(participant_id, None)
            else:
                self._statuses[participant_id] = status

    def status_of(self, participant_id: UUID) -> str | None:
        return self._ready().get(participant_id)
