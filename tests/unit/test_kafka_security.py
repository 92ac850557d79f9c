"""Reaching a secured Kafka cluster (issue 25): TLS with the cluster's CA, mutual TLS, SASL
SCRAM-SHA-512 (Strimzi's users) and OAUTHBEARER with the service's own token. The embedded
broker speaks plaintext only (every other test goes over it), so these are checked at the
level of the clients' configuration: what aiokafka and FastStream are given, and that
aiokafka accepts it."""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from faststream.kafka.security import parse_security
from pydantic import ValidationError

from steiger.bridge.settings import Settings as BridgeSettings
from steiger.shared.kafka import faststream_security
from steiger.shared.settings import KafkaSettings

from ..access import session_issuer


@pytest.fixture
def pem(tmp_path) -> dict[str, str]:
    """A self-signed certificate and its key, as a cluster CA and a client's would be."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "steiger-bridge")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_file, key_file = tmp_path / "user.crt", tmp_path / "user.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return {"ca": str(cert_file), "cert": str(cert_file), "key": str(key_file)}


def test_by_default_the_clients_speak_plaintext():
    options = KafkaSettings().kafka_connection()
    assert options == {"security_protocol": "PLAINTEXT"}
    assert faststream_security(options) is None


def test_scram_over_tls_as_strimzi_has_it(monkeypatch, pem):
    for name, value in {
        "KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SSL_CA_FILE": pem["ca"],
        "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512", "KAFKA_SASL_USERNAME": "steiger-bridge",
        "KAFKA_SASL_PASSWORD": "s3cret",
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    options = KafkaSettings().kafka_connection()
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (options["sasl_plain_username"], options["sasl_plain_password"]) == (
        "steiger-bridge",
        "s3cret",
    )
    context = options["ssl_context"]
    assert isinstance(context, ssl.SSLContext) and context.verify_mode == ssl.CERT_REQUIRED
    assert context.cert_store_stats()["x509_ca"] == 1  # the cluster's CA, and only it
    # FastStream's broker gets the same connection as the plain aiokafka clients
    assert parse_security(faststream_security(options)) == options
    assert_aiokafka_accepts(options)


def test_mutual_tls(monkeypatch, pem):
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SSL")
    monkeypatch.setenv("KAFKA_SSL_CA_FILE", pem["ca"])
    monkeypatch.setenv("KAFKA_SSL_CERT_FILE", pem["cert"])
    monkeypatch.setenv("KAFKA_SSL_KEY_FILE", pem["key"])
    options = KafkaSettings().kafka_connection()
    assert options["security_protocol"] == "SSL" and "sasl_mechanism" not in options
    assert parse_security(faststream_security(options)) == options
    assert_aiokafka_accepts(options)


def test_oauthbearer_signs_in_with_the_services_own_token(monkeypatch, pem):
    session_issuer()  # the services' issuer and their client secrets, in the environment
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("KAFKA_SSL_CA_FILE", pem["ca"])
    monkeypatch.setenv("KAFKA_SASL_MECHANISM", "OAUTHBEARER")
    options = BridgeSettings().kafka_connection()
    token = asyncio.run(options["sasl_oauth_token_provider"].token())
    assert token.count(".") == 2  # a JWT from the issuer, for the client steiger-bridge
    assert_aiokafka_accepts(options)
    with pytest.raises(ValueError, match="for the services"):
        KafkaSettings().kafka_connection()  # the CLI has no token of its own


@pytest.mark.parametrize(
    ("environment", "complaint"),
    [
        ({"KAFKA_SECURITY_PROTOCOL": "SASL_SSL"}, "KAFKA_SASL_MECHANISM"),
        ({"KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
          "KAFKA_SASL_USERNAME": "u"}, "KAFKA_SASL_PASSWORD"),
        ({"KAFKA_SASL_MECHANISM": "PLAIN"}, "SASL_SSL"),
        ({"KAFKA_SECURITY_PROTOCOL": "SSL", "KAFKA_SSL_CERT_FILE": "/x.crt"}, "go together"),
        ({"KAFKA_SECURITY_PROTOCOL": "TLS"}, "PLAINTEXT"),
    ],
)  # fmt: skip
def test_an_incomplete_security_setting_is_refused_at_start(monkeypatch, environment, complaint):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=complaint):
        KafkaSettings()


def assert_aiokafka_accepts(options: dict) -> None:
    """aiokafka checks a client's security settings when it is made (no broker needed)."""

    async def make() -> None:
        AIOKafkaProducer(bootstrap_servers="kafka:9093", **options)
        AIOKafkaConsumer(bootstrap_servers="kafka:9093", **options)

    asyncio.run(make())
