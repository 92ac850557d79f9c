"""The ways a message reaches a participant: e-mail over SMTP, SMS through a provider's HTTP
API, and a signed webhook (Standard Webhooks) to the organisation's own app.

Every send carries the notification id as its idempotency key (the e-mail's Message-ID, the
SMS provider's Idempotency-Key, the webhook-id), so a send repeated after a crash between
delivery and recording it is recognisable as the same message by the receiver."""

from __future__ import annotations

import datetime as dt
import email.policy
import functools
import json
import shutil
import smtplib
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Protocol
from uuid import UUID

import httpx
from standardwebhooks import Webhook

from steiger.notifications.messages import Message


class DeliveryError(Exception):
    """A send that did not go through. `permanent`: trying again will not help."""

    def __init__(self, reason: str, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason, self.permanent = reason, permanent


class Channel(Protocol):
    @property
    def needs_address(self) -> bool: ...

    def send(self, to: str | None, message: Message, key: UUID, participant_id: UUID) -> None: ...


@dataclass(frozen=True)
class SmtpChannel:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    needs_address: bool = True

    def send(self, to: str | None, message: Message, key: UUID, participant_id: UUID) -> None:
        email = _email(self.sender, to, message, key)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=15) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            codes = sorted({code for code, _ in error.recipients.values()})
            raise DeliveryError(f"smtp recipient refused ({codes})", permanent=True) from error
        except smtplib.SMTPResponseException as error:
            # the server's text may quote the address: keep only the code
            raise DeliveryError(f"smtp {error.smtp_code}", error.smtp_code >= 500) from error
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(f"smtp unavailable: {type(error).__name__}") from error


class _HeaderClasses(HeaderRegistry):
    """The standard library's registry makes a new class every time a header is set or
    looked at (`type()` in `HeaderRegistry.__getitem__`, seventeen times per e-mail), only to
    throw it away. They are the same every time, so this registry makes each once. With the
    sender parsed once as well, an e-mail is built in about half the time
    (docs/benchmarks.md, "Measurements behind the code")."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        made = self._made.get(name.lower())
        if made is None:
            made = self._made[name.lower()] = super().__getitem__(name)
        return made


EMAIL_POLICY = email.policy.default.clone(header_factory=_HeaderClasses())
"""The standard e-mail policy (RFC 5322, UTF-8 where needed), with header classes made once."""


@functools.cache
def _from_header(sender: str) -> BaseHeader:
    """Parsed once per sender: the address parser is pure Python, and a parsed header is
    immutable, so every e-mail can carry the same one."""
    return EMAIL_POLICY.header_factory("From", sender)


def _email(sender: str, to: str | None, message: Message, key: UUID) -> EmailMessage:
    email = EmailMessage(policy=EMAIL_POLICY)
    email["From"], email["To"], email["Subject"] = _from_header(sender), to, message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = f"<{key}@{sender.rpartition('@')[2].rstrip('>') or 'steiger'}>"
    email.set_content(message.body)
    return email


@dataclass(frozen=True)
class MailDropChannel:
    """Development stand-in for SMTP: each e-mail becomes
    `<directory>/<participant id>/<key>.eml`, written once (the key names the file, so a
    repeated send overwrites the same file). Being in Steiger's own files, a participant's
    mail goes with their erasure (`forget`); a send in flight at that moment writes nothing
    after it."""

    directory: Path
    sender: str
    needs_address: bool = True
    _forgotten: set[UUID] = field(default_factory=set, repr=False, compare=False)
    _writing: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def send(self, to: str | None, message: Message, key: UUID, participant_id: UUID) -> None:
        email = bytes(_email(self.sender, to, message, key))
        with self._writing:
            if participant_id in self._forgotten:
                raise DeliveryError("the participant was erased", permanent=True)
            folder = self.directory / str(participant_id)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{key}.eml").write_bytes(email)

    def forget(self, participant_id: UUID) -> None:
        with self._writing:
            self._forgotten.add(participant_id)
            shutil.rmtree(self.directory / str(participant_id), ignore_errors=True)


def _raise_for_status(response: httpx.Response, what: str) -> None:
    if response.is_success:
        return
    transient = response.status_code in (408, 425, 429) or response.status_code >= 500
    raise DeliveryError(f"{what} answered HTTP {response.status_code}", permanent=not transient)


def _post(url: str, what: str, headers: Mapping[str, str], content: bytes) -> None:
    try:
        response = httpx.post(url, headers=dict(headers), content=content, timeout=15.0)
    except httpx.HTTPError as error:
        raise DeliveryError(f"{what} unavailable: {type(error).__name__}") from error
    _raise_for_status(response, what)


@dataclass(frozen=True)
class SmsChannel:
    """A provider's HTTP API: POST {to, from, text} with a bearer token and Idempotency-Key.
    Another provider is another adapter of the same shape."""

    url: str
    token: str
    sender: str = "Steiger"
    max_length: int = 612  # four concatenated SMS parts
    needs_address: bool = True

    def send(self, to: str | None, message: Message, key: UUID, participant_id: UUID) -> None:
        text = f"{message.subject}\n\n{message.body}".strip()
        if len(text) > self.max_length:
            text = text[: self.max_length - 1] + "…"
        body = json.dumps({"to": to, "from": self.sender, "text": text}).encode()
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Idempotency-Key": str(key),
            "Content-Type": "application/json",
        }
        _post(self.url, "sms provider", headers, body)


@dataclass(frozen=True)
class WebhookChannel:
    """The organisation's own app (e.g. a participant portal) receives the message, signed
    per the Standard Webhooks specification (webhook-id, webhook-timestamp, webhook-signature);
    the secret is `whsec_` + base64, as that specification's libraries expect."""

    url: str
    secret: str
    needs_address: bool = False

    def send(self, to: str | None, message: Message, key: UUID, participant_id: UUID) -> None:
        payload = json.dumps(
            {
                "type": "steiger.notification",
                "notification_id": str(key),
                "participant_id": str(participant_id),
                "subject": message.subject,
                "body": message.body,
            }
        )
        now = dt.datetime.now(dt.UTC)
        headers = {
            "webhook-id": str(key),
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": Webhook(self.secret).sign(str(key), now, payload),
            "Content-Type": "application/json",
        }
        _post(self.url, "webhook", headers, payload.encode())
