"""Delivery over real SMTP and HTTP servers started by the tests, failures included."""

import base64
import datetime as dt
import re
import socket
import uuid
from email import policy
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from standardwebhooks import Webhook

from steiger.notifications.channels import (
    DeliveryError,
    MailDropChannel,
    SmsChannel,
    SmtpChannel,
    WebhookChannel,
    _email,
)
from steiger.notifications.messages import Message

from .fakes import Clock, make_dispatcher
from .servers import http_server, smtp_server
from .test_dispatching import FIRST, with_action
from .test_scheduling import P

AMS = ZoneInfo("Europe/Amsterdam")
MESSAGE = Message("Herinnering: Bel de schuldhulp", "Hoi,\n\nVandaag is de dag.\n")
SENDER = "Steiger <noreply@steiger.example>"


def test_email_over_smtp_carries_the_idempotency_key_as_message_id():
    key = uuid.uuid4()
    with smtp_server() as (mailbox, port):
        SmtpChannel("127.0.0.1", port, SENDER).send("samira@example.nl", MESSAGE, key, P)
    (email,) = mailbox.messages
    assert email["To"] == "samira@example.nl"
    assert email["Subject"] == MESSAGE.subject
    assert email["Message-ID"] == f"<{key}@steiger.example>"
    assert "Vandaag is de dag." in email.get_payload(decode=True).decode()


def test_smtp_refusals_are_permanent_and_temporary_errors_are_not():
    with smtp_server() as (mailbox, port):
        channel = SmtpChannel("127.0.0.1", port, SENDER)
        mailbox.refused.add("gone@example.nl")
        with pytest.raises(DeliveryError) as refused:
            channel.send("gone@example.nl", MESSAGE, uuid.uuid4(), P)
        assert refused.value.permanent and "gone@" not in refused.value.reason
        mailbox.answers.append("451 4.3.0 try again later")
        with pytest.raises(DeliveryError) as later:
            channel.send("samira@example.nl", MESSAGE, uuid.uuid4(), P)
        assert later.value.reason == "smtp 451" and not later.value.permanent
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    with pytest.raises(DeliveryError) as down:
        SmtpChannel("127.0.0.1", closed_port, SENDER).send("a@example.nl", MESSAGE, uuid.uuid4(), P)
    assert not down.value.permanent


def test_sms_through_the_provider_api_with_token_and_idempotency_key():
    key = uuid.uuid4()
    with http_server() as provider:
        channel = SmsChannel(provider.url + "/messages", "secret-token", "Gemeente")
        channel.send("+31612345678", MESSAGE, key, P)
        provider.statuses.extend([503, 400])
        with pytest.raises(DeliveryError) as unavailable:
            channel.send("+31612345678", MESSAGE, uuid.uuid4(), P)
        with pytest.raises(DeliveryError) as rejected:
            channel.send("+31612345678", MESSAGE, uuid.uuid4(), P)
    (request,) = provider.requests
    assert request.path == "/messages"
    assert request.headers["Authorization"] == "Bearer secret-token"
    assert request.headers["Idempotency-Key"] == str(key)
    assert request.json() == {
        "to": "+31612345678",
        "from": "Gemeente",
        "text": "Herinnering: Bel de schuldhulp\n\nHoi,\n\nVandaag is de dag.",
    }
    assert not unavailable.value.permanent and rejected.value.permanent


def test_the_webhook_is_signed_per_standard_webhooks_and_verifies_at_the_receiver():
    secret = "whsec_" + base64.b64encode(b"k" * 32).decode()
    key = uuid.uuid4()
    with http_server() as receiver:
        WebhookChannel(receiver.url + "/hooks/steiger", secret).send(None, MESSAGE, key, P)
    (request,) = receiver.requests
    headers = {name.lower(): value for name, value in request.headers.items()}
    payload = Webhook(secret).verify(request.body, headers)
    assert payload["notification_id"] == str(key) and payload["participant_id"] == str(P)
    assert payload["subject"] == MESSAGE.subject
    tampered = request.body.replace(b"schuldhulp", b"deurwaarder")
    with pytest.raises(Exception, match="[Ss]ignature"):
        Webhook(secret).verify(tampered, headers)


def test_a_temporary_smtp_failure_is_retried_and_the_reminder_arrives_once(app, feed):
    with_action(app, feed)
    clock = Clock(FIRST)
    with smtp_server() as (mailbox, port):
        mailbox.answers.append("451 4.3.0 try again later")
        dispatcher = make_dispatcher(app, clock, email=SmtpChannel("127.0.0.1", port, SENDER))
        dispatcher.run_once()
        assert mailbox.messages == []
        clock.advance(minutes=1)
        dispatcher.run_once()
        clock.advance(minutes=10)
        dispatcher.run_once()
    assert len(mailbox.messages) == 1
    (sent,) = app.overview(P)["sent"]
    assert sent["attempts"] == 2 and sent["history"][0]["reason"] == "smtp 451"
    assert sent["send_at"] == FIRST + dt.timedelta(minutes=1)


def test_an_email_is_built_as_the_standard_policy_builds_it():
    """Channels build e-mails with header classes made once and the sender parsed once; the
    bytes must be what the standard library's own policy makes, non-ASCII words included."""
    key = uuid.uuid4()
    sender = "Gemeente Zaanstad – Steiger <noreply@steiger.example>"
    message = Message("Gefeliciteerd: € 10,00 verdiend!", "Hoi Zoë,\n\nGoed gedaan.\n" * 30)

    def undated(email: EmailMessage) -> bytes:
        return re.sub(rb"\nDate: [^\n]+", b"", bytes(email))

    for to in ("samira@example.nl", "Zoë de Vries <zoe@example.nl>"):
        built = [_email(sender, to, message, key) for _ in range(2)]
        expected = EmailMessage(policy=policy.default)
        expected["From"], expected["To"], expected["Subject"] = sender, to, message.subject
        expected["Date"] = "Mon, 23 Nov 2026 09:00:00 -0000"
        expected["Message-ID"] = f"<{key}@steiger.example>"
        expected.set_content(message.body)
        assert undated(built[0]) == undated(built[1]) == undated(expected)
        assert b"=?utf-8?" in bytes(built[0])  # the non-ASCII header words are encoded


def test_the_mail_drop_keeps_a_participant_s_mail_until_their_erasure_and_none_after(tmp_path):
    drop = MailDropChannel(tmp_path / "mail", "Steiger <noreply@steiger.example>")
    other = uuid.uuid4()
    drop.send("a@example.nl", MESSAGE, uuid.uuid4(), P)
    drop.send("b@example.nl", MESSAGE, uuid.uuid4(), other)
    assert len(list((tmp_path / "mail" / str(P)).glob("*.eml"))) == 1

    drop.forget(P)
    assert not (tmp_path / "mail" / str(P)).exists()
    with pytest.raises(DeliveryError) as late:  # a send in flight at the erasure
        drop.send("a@example.nl", MESSAGE, uuid.uuid4(), P)
    assert late.value.permanent and not (tmp_path / "mail" / str(P)).exists()
    assert len(list((tmp_path / "mail" / str(other)).glob("*.eml"))) == 1
