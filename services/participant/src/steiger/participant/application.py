from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from uuid import UUID, uuid4

from cryptography.exceptions import InvalidTag
from eventsourcing.application import AggregateNotFoundError

from steiger.participant.domain.bsn import check_bsn, mask_bsn
from steiger.participant.domain.errors import (
    DuplicateParticipant,
    ParticipantErased,
    ParticipantNotFound,
)
from steiger.participant.domain.participant import Participant
from steiger.participant.domain.personal_data import PersonalData
from steiger.participant.keystore import open_key_store
from steiger.participant.sealing import Vault
from steiger.shared.eventstore import ServiceApplication


class ParticipantApplication(ServiceApplication):
    name = "participant"

    def __init__(self, env: Mapping[str, str], *, master_key: bytes) -> None:
        super().__init__(env)
        self.vault = Vault(master_key)
        self.keys = open_key_store(env)

    def close(self) -> None:
        self.keys.close()
        super().close()

    def register(
        self,
        personal: PersonalData,
        *,
        programme: str,
        municipality: str,
        neighbourhood: str | None,
        target_group: str | None,
        language: str,
        household: Mapping[str, int],
        registered_on: dt.date,
    ) -> UUID:
        if personal.bsn is not None:
            personal = PersonalData.from_dict(
                {**personal.to_dict(), "bsn": check_bsn(personal.bsn)}
            )
        participant_id = uuid4()
        self._claim_identifiers(participant_id, personal)
        try:
            data_key = self.vault.new_data_key()
            self.keys.put_key(participant_id, self.vault.wrap(participant_id, data_key))
            participant = Participant(
                participant_id,
                self.vault.seal(participant_id, data_key, personal.to_dict()),
                programme,
                municipality,
                neighbourhood,
                target_group,
                language,
                household["adults"],
                household["preschool_children"],
                household["school_age_children"],
                registered_on,
            )
            self.save(participant)
        except BaseException:
            self.keys.destroy(participant_id)
            raise
        return participant_id

    def _claim_identifiers(self, participant_id: UUID, personal: PersonalData) -> None:
        for kind, value in (("external_id", personal.external_id), ("bsn", personal.bsn)):
            if value is None:
                continue
            holder = self.keys.claim(kind, self.vault.blind_index(kind, value), participant_id)
            if holder is not None and self._exists(holder):
                self.keys.release(participant_id)
                raise DuplicateParticipant(holder, on=kind)
            if holder is not None:  # left by a registration that never completed: take it
                self.keys.release(holder)
                self._claim_identifiers(participant_id, personal)
                return

    def _exists(self, participant_id: UUID) -> bool:
        try:
            self.repository.get(participant_id)
        except AggregateNotFoundError:
            return False
        return True

    def erase(self, participant_id: UUID, on: dt.date) -> None:
        """GDPR art. 17. The key goes first: from then on the personal data is unreadable
        everywhere, even if recording the erasure below fails and is retried."""
        participant = self._get(participant_id)
        participant.check_not_erased()
        self.keys.destroy(participant_id)
        participant.erase(on)
        self.save(participant)

    def participant(self, participant_id: UUID) -> dict[str, Any]:
        p = self._get(participant_id)
        personal = self._open(p)
        return {
            "participant_id": p.pseudonym,
            "name": personal.name,
            "birth_year": personal.birth_year,
            "phone": personal.phone,
            "email": personal.email,
            "address": personal.address,
            "bsn": mask_bsn(personal.bsn) if personal.bsn else None,
            "external_id": personal.external_id,
            "language": p.language,
            "programme": p.programme,
            "municipality": p.municipality,
            "neighbourhood": p.neighbourhood,
            "target_group": p.target_group,
            "cohort": p.cohort,
            "household": {
                "adults": p.adults,
                "preschool_children": p.preschool_children,
                "school_age_children": p.school_age_children,
            },
        }

    def _get(self, participant_id: UUID) -> Participant:
        try:
            return self.repository.get(participant_id)
        except AggregateNotFoundError:
            raise ParticipantNotFound(f"no participant {participant_id}") from None

    def _open(self, participant: Participant) -> PersonalData:
        participant.check_not_erased()
        wrapped = self.keys.get_key(participant.id)
        if wrapped is None or participant.sealed_personal_data is None:
            raise ParticipantErased(f"the personal data of {participant.id} was destroyed")
        try:
            data_key = self.vault.unwrap(participant.id, wrapped)
            data = self.vault.open(participant.id, data_key, participant.sealed_personal_data)
        except InvalidTag:
            raise RuntimeError("the master key does not open this participant's key") from None
        return PersonalData.from_dict(data)
