"""BSN rules and the sealing of personal data (no I/O)."""

from __future__ import annotations

import datetime as dt
import os
import uuid

import pytest
from cryptography.exceptions import InvalidTag

from steiger.participant.contracts import to_contract
from steiger.participant.domain.bsn import check_bsn, mask_bsn
from steiger.participant.domain.errors import InvalidBsn, ParticipantErased
from steiger.participant.domain.participant import Participant
from steiger.shared.sealing import Vault


@pytest.mark.parametrize("bsn", ["111222333", "123456782", "12345672"])
def test_valid_bsns_pass_the_eleven_test(bsn):
    assert len(check_bsn(bsn)) == 9


@pytest.mark.parametrize("bsn", ["123456789", "000000000", "12345678a", "1234567", "1112223330"])
def test_invalid_bsns_are_refused_naming_the_field(bsn):
    with pytest.raises(InvalidBsn) as refused:
        check_bsn(bsn)
    assert refused.value.problem_extensions["errors"][0]["field"] == "bsn"


def test_an_eight_digit_bsn_gets_its_leading_zero_and_is_shown_masked():
    assert check_bsn("12345672") == "012345672"
    assert mask_bsn("123456782") == "******782"


def test_sealed_data_opens_only_with_its_own_key_and_participant():
    vault = Vault(os.urandom(32))
    participant, key = uuid.uuid4(), vault.new_data_key()
    sealed = vault.seal(participant, key, {"name": "Fatima de Vries"})
    assert "Fatima" not in sealed
    assert vault.open(participant, key, sealed) == {"name": "Fatima de Vries"}
    with pytest.raises(InvalidTag):
        vault.open(participant, vault.new_data_key(), sealed)
    with pytest.raises(InvalidTag):
        vault.open(uuid.uuid4(), key, sealed)  # sealed data cannot be moved to another id


def test_data_keys_unwrap_only_with_the_master_key_that_wrapped_them():
    vault, participant = Vault(os.urandom(32)), uuid.uuid4()
    key = vault.new_data_key()
    wrapped = vault.wrap(participant, key)
    assert vault.unwrap(participant, wrapped) == key
    with pytest.raises(InvalidTag):
        Vault(os.urandom(32)).unwrap(participant, wrapped)


def test_blind_indexes_match_equal_values_and_hide_them():
    vault = Vault(os.urandom(32))
    assert vault.blind_index("bsn", "123456782") == vault.blind_index("bsn", "123456782")
    assert vault.blind_index("bsn", "123456782") != vault.blind_index("external_id", "123456782")
    assert "123456782" not in vault.blind_index("bsn", "123456782")


def participant() -> Participant:
    return Participant(
        uuid.uuid4(),
        "c2VhbGVk",
        "debt-help",
        "Zaanstad",
        "Poelenburg",
        None,
        "nl",
        1,
        1,
        1,
        dt.date(2026, 11, 2),
    )


def test_erasure_drops_the_ciphertext_and_happens_once():
    p = participant()
    p.erase(dt.date(2026, 11, 22))
    assert p.sealed_personal_data is None and p.erased
    with pytest.raises(ParticipantErased):
        p.erase(dt.date(2026, 11, 23))


def test_public_events_carry_the_pseudonym_and_no_sealed_data():
    p = participant()
    p.erase(dt.date(2026, 11, 22))
    registered, erased = (to_contract(e) for e in p.collect_events())
    assert "c2VhbGVk" not in registered.model_dump_json()
    assert registered.participant_id == erased.participant_id == p.id
    assert erased.erased_on == dt.date(2026, 11, 22)
