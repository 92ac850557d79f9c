"""Encryption with a key per participant per service (crypto-shredding).

Each service seals what it holds about a participant in free text (the participant
service: personal data; planning: goals, actions, meetings; bridge: notes; ...) with a
random data key of that participant's own (AES-256-GCM, bound to their id). Data keys are
stored wrapped with the service's master key from configuration. Destroying a
participant's data key makes every stored copy of those texts unreadable, wherever it was
copied: events, the outbox, backups. Identifiers that must be unique (BSN, external id)
are compared as keyed hashes (HMAC-SHA256 with a key derived from the master key), never
stored in the clear.

Services do not share keys: each destroys its own when it hears of the erasure, so no
service needs another's secret, and one service's keys leaking opens no other's texts.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from steiger.shared.participants import ParticipantGone

_NONCE = 12


def _derive(master_key: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=SHA256(), length=32, salt=None, info=purpose).derive(master_key)


class Vault:
    def __init__(self, master_key: bytes, service: str = "participant") -> None:
        if len(master_key) != 32:
            raise ValueError("the master key must be 32 bytes")
        self._wrapping = AESGCM(_derive(master_key, f"steiger-{service}/wrap-data-keys".encode()))
        self._index_key = _derive(master_key, f"steiger-{service}/identifier-index".encode())

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
        opened: dict[str, Any] = json.loads(plain)
        return opened

    def blind_index(self, kind: str, value: str) -> str:
        """A keyed hash of an identifier: equal values match, the value cannot be read back."""
        message = f"{kind}:{value}".encode()
        return hmac.new(self._index_key, message, hashlib.sha256).hexdigest()


ERASED_TEXT = ""
"""What a sealed text reads as once its key is destroyed."""
NO_KEY_YET = b""
"""Cached: the participant has no key (yet); distinct from None, a destroyed key."""
_UNKNOWN: Any = object()


class CaseTexts:
    """Seals the free texts of a service's events with the participant's data key, and
    opens them again; `forget` destroys the key. Which fields of which event are case text
    is the service's declaration (`ServiceApplication.case_texts`); every string in such a
    field is sealed, whatever structure holds it (a list of risks, a dict of notes), while
    numbers, booleans, ids and dates stay as they are: what the service's contracts are
    made of must stay readable after erasure, for the statistics.

    Unwrapped keys are kept in memory (a bounded cache), and so is a destruction. So is
    the absence of a key when this process is the store's only writer (`single_writer`):
    no other process can make one meanwhile, and a request then asks the key store nothing
    to learn that a participant is not erased. Beside other processes (a shared store) a
    key is kept `RECHECK_SECONDS` at most: another process may destroy it, and this one then
    opens none of the participant's texts any more within that time."""

    CACHE_SIZE = 20_000
    RECHECK_SECONDS = 5.0

    def __init__(self, vault: Vault, keys: Any, *, single_writer: bool = False) -> None:
        self.vault = vault
        self.keys = keys  # a steiger.shared.keystore.KeyStore
        self.single_writer = single_writer
        self._cache: OrderedDict[UUID, bytes | None] = OrderedDict()
        """The unwrapped key; None: destroyed; NO_KEY_YET: none (single writer only)."""
        self._fetched: dict[UUID, float] = {}
        """When each cached key was read from the key store (shared stores only)."""
        self._lock = threading.Lock()

    def key_of(self, participant_id: UUID, *, create: bool) -> bytes | None:
        """The participant's data key; made and stored when `create` and there is none yet.
        None once it was destroyed (or, without `create`, when there is none)."""
        with self._lock:
            cached: bytes | None = self._cache.get(participant_id, _UNKNOWN)
            if cached is not _UNKNOWN:
                self._cache.move_to_end(participant_id)
            if cached and not self.single_writer:
                fetched = self._fetched.get(participant_id, 0.0)
                if time.monotonic() - fetched > self.RECHECK_SECONDS:
                    cached = _UNKNOWN  # another process may have destroyed it: ask again
        if cached is None or (cached is NO_KEY_YET and not create):
            return None
        if cached is not _UNKNOWN and cached is not NO_KEY_YET:
            return cached
        wrapped = self.keys.get_key(participant_id)
        if wrapped is None and create:
            made = self.vault.wrap(participant_id, self.vault.new_data_key())
            wrapped = self.keys.provide(participant_id, made)  # None: destroyed
        key = self.vault.unwrap(participant_id, wrapped) if wrapped is not None else None
        if key is not None:
            self._remember(participant_id, key)
        elif self.keys.destroyed(participant_id):
            self._remember(participant_id, None)
        elif self.single_writer:
            self._remember(participant_id, NO_KEY_YET)
        return key

    def _remember(self, participant_id: UUID, state: bytes | None) -> None:
        with self._lock:
            self._cache[participant_id] = state
            self._cache.move_to_end(participant_id)
            if state and not self.single_writer:
                self._fetched[participant_id] = time.monotonic()
            while len(self._cache) > self.CACHE_SIZE:
                gone, _ = self._cache.popitem(last=False)
                self._fetched.pop(gone, None)

    def erased(self, participant_id: UUID) -> bool:
        """Whether this service destroyed the participant's key. A single writer trusts
        what it remembers; on a shared store another process may have destroyed a key this
        one still holds, so the store is asked."""
        with self._lock:
            cached = self._cache.get(participant_id, _UNKNOWN)
        if cached is None:
            return True
        if self.single_writer:
            if cached is _UNKNOWN:
                self.key_of(participant_id, create=False)  # remembers what it found
                with self._lock:
                    cached = self._cache.get(participant_id, _UNKNOWN)
                if cached is _UNKNOWN:  # pushed out of the cache meanwhile
                    return bool(self.keys.destroyed(participant_id))
            return cached is None
        if self.keys.destroyed(participant_id):
            self._remember(participant_id, None)
            return True
        return False

    def forget(self, participant_id: UUID) -> None:
        """Destroys the participant's key (idempotent): their sealed texts read as
        `ERASED_TEXT` from now on, in every stored copy."""
        self.keys.destroy(participant_id)
        self._remember(participant_id, None)

    def seal(self, participant_id: UUID, fields: Mapping[str, Any]) -> dict[str, Any]:
        key = self.key_of(participant_id, create=True)
        if key is None:  # destroyed: nothing new is sealed for them, ever
            raise ParticipantGone(f"participant {participant_id} was erased")
        cipher, aad = AESGCM(key), participant_id.bytes

        def seal_strings(value: Any) -> Any:
            if isinstance(value, str):
                nonce = os.urandom(_NONCE)
                return base64.b64encode(nonce + cipher.encrypt(nonce, value.encode(), aad)).decode()
            if isinstance(value, list | tuple):
                return [seal_strings(v) for v in value]
            if isinstance(value, dict):
                return {k: seal_strings(v) for k, v in value.items()}
            return value

        return {name: seal_strings(value) for name, value in fields.items()}

    def open(self, participant_id: UUID, fields: Mapping[str, Any]) -> dict[str, Any]:
        key = self.key_of(participant_id, create=False)
        cipher = AESGCM(key) if key is not None else None
        aad = participant_id.bytes

        def open_strings(value: Any) -> Any:
            if isinstance(value, str):
                if cipher is None:
                    return ERASED_TEXT
                raw = base64.b64decode(value)
                return cipher.decrypt(raw[:_NONCE], raw[_NONCE:], aad).decode()
            if isinstance(value, list):
                return [open_strings(v) for v in value]
            if isinstance(value, dict):
                return {k: open_strings(v) for k, v in value.items()}
            return value

        return {name: open_strings(value) for name, value in fields.items()}
