"""Encryption of personal data with a key per participant (crypto-shredding).

Each participant's personal data is sealed with their own random data key (AES-256-GCM,
bound to their id). Data keys are stored wrapped with the master key from configuration.
Destroying a participant's data key makes every stored copy of their personal data
unreadable, wherever it was copied. Identifiers that must be unique (BSN, external id) are
compared as keyed hashes (HMAC-SHA256 with a key derived from the master key), never stored
in the clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_NONCE = 12


def _derive(master_key: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=SHA256(), length=32, salt=None, info=purpose).derive(master_key)


class Vault:
    def __init__(self, master_key: bytes) -> None:
        if len(master_key) != 32:
            raise ValueError("the master key must be 32 bytes")
        self._wrapping = AESGCM(_derive(master_key, b"steiger-participant/wrap-data-keys"))
        self._index_key = _derive(master_key, b"steiger-participant/identifier-index")

    @staticmethod
    def new_data_key() -> bytes:
        return AESGCM.generate_key(bit_length=256)

    def wrap(self, participant_id: UUID, data_key: bytes) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + self._wrapping.encrypt(nonce, data_key, participant_id.bytes)

    def unwrap(self, participant_id: UUID, wrapped: bytes) -> bytes:
        return self._wrapping.decrypt(wrapped[:_NONCE], wrapped[_NONCE:], participant_id.bytes)

    @staticmethod
    def seal(participant_id: UUID, data_key: bytes, data: dict[str, Any]) -> str:
        nonce = os.urandom(_NONCE)
        plain = json.dumps(data, separators=(",", ":")).encode()
        sealed = nonce + AESGCM(data_key).encrypt(nonce, plain, participant_id.bytes)
        return base64.b64encode(sealed).decode()

    @staticmethod
    def open(participant_id: UUID, data_key: bytes, sealed: str) -> dict[str, Any]:
        raw = base64.b64decode(sealed)
        plain = AESGCM(data_key).decrypt(raw[:_NONCE], raw[_NONCE:], participant_id.bytes)
        return json.loads(plain)

    def blind_index(self, kind: str, value: str) -> str:
        """A keyed hash of an identifier: equal values match, the value cannot be read back."""
        message = f"{kind}:{value}".encode()
        return hmac.new(self._index_key, message, hashlib.sha256).hexdigest()
