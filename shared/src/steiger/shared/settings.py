from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any, ClassVar, Literal
from zoneinfo import ZoneInfo

from aiokafka.abc import AbstractTokenProvider
from aiokafka.helpers import create_ssl_context
from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from steiger.shared.tokens import ServiceCredentials

DEFAULT_PARTITIONS = 2
"""Partitions of the topics the services create unless STEIGER_KAFKA_PARTITIONS says otherwise.
Each service runs one process, so one consumer per group; two partitions let a replay rebuild
reporting with two workers, and every partition more costs each consumer's fetches (the
backbone benchmark on two cores: 4 partitions 294 and 322 commands/s, 2 partitions 308 and
368, alternating). A cluster that needs more sets its own."""


def _global(name: str) -> AliasChoices:
    """A setting every service reads under one system-wide name."""
    return AliasChoices(name)


SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN", "OAUTHBEARER"]


class KafkaSettings(BaseSettings):
    """Where the broker is, how to reach it (TLS, SASL) and how its topics are made: read by
    every service, and by the CLI that creates the topics, under the same names. A secured
    cluster (Strimzi's TLS listener, SCRAM-SHA-512 users) is reached with, e.g.,
    KAFKA_SECURITY_PROTOCOL=SASL_SSL, KAFKA_SSL_CA_FILE, KAFKA_SASL_MECHANISM=SCRAM-SHA-512,
    KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD; mutual TLS with KAFKA_SSL_CERT_FILE and
    KAFKA_SSL_KEY_FILE instead of SASL."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    kafka_bootstrap_servers: str = Field(
        "127.0.0.1:9092", validation_alias=_global("KAFKA_BOOTSTRAP_SERVERS")
    )
    kafka_partitions: int = Field(
        DEFAULT_PARTITIONS, ge=1, validation_alias=_global("STEIGER_KAFKA_PARTITIONS")
    )
    kafka_security_protocol: SecurityProtocol = Field(
        "PLAINTEXT", validation_alias=_global("KAFKA_SECURITY_PROTOCOL")
    )
    kafka_ssl_ca_file: Path | None = Field(
        None, validation_alias=_global("KAFKA_SSL_CA_FILE"), description="the cluster's CA (PEM)"
    )
    kafka_ssl_cert_file: Path | None = Field(
        None, validation_alias=_global("KAFKA_SSL_CERT_FILE"), description="mutual TLS (PEM)"
    )
    kafka_ssl_key_file: Path | None = Field(None, validation_alias=_global("KAFKA_SSL_KEY_FILE"))
    kafka_ssl_key_password: SecretStr | None = Field(
        None, validation_alias=_global("KAFKA_SSL_KEY_PASSWORD")
    )
    kafka_sasl_mechanism: SaslMechanism | None = Field(
        None,
        validation_alias=_global("KAFKA_SASL_MECHANISM"),
        description="OAUTHBEARER uses the service's own client credentials (services only)",
    )
    kafka_sasl_username: str | None = Field(None, validation_alias=_global("KAFKA_SASL_USERNAME"))
    kafka_sasl_password: SecretStr | None = Field(
        None, validation_alias=_global("KAFKA_SASL_PASSWORD")
    )

    @model_validator(mode="after")
    def _complete_security(self) -> KafkaSettings:
        protocol, mechanism = self.kafka_security_protocol, self.kafka_sasl_mechanism
        if protocol.startswith("SASL") and mechanism is None:
            raise ValueError(f"KAFKA_SECURITY_PROTOCOL={protocol} needs KAFKA_SASL_MECHANISM")
        if mechanism and not protocol.startswith("SASL"):
            raise ValueError("KAFKA_SASL_MECHANISM needs KAFKA_SECURITY_PROTOCOL=SASL_SSL")
        if mechanism in ("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN") and not (
            self.kafka_sasl_username and self.kafka_sasl_password
        ):
            raise ValueError(f"{mechanism} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD")
        if bool(self.kafka_ssl_cert_file) != bool(self.kafka_ssl_key_file):
            raise ValueError("KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together")
        return self

    def kafka_connection(self) -> dict[str, Any]:
        """How an aiokafka client reaches the cluster: its security keyword arguments."""
        options: dict[str, Any] = {"security_protocol": self.kafka_security_protocol}
        if self.kafka_security_protocol in ("SSL", "SASL_SSL"):
            options["ssl_context"] = create_ssl_context(
                cafile=str(self.kafka_ssl_ca_file) if self.kafka_ssl_ca_file else None,
                certfile=str(self.kafka_ssl_cert_file) if self.kafka_ssl_cert_file else None,
                keyfile=str(self.kafka_ssl_key_file) if self.kafka_ssl_key_file else None,
                password=self.kafka_ssl_key_password.get_secret_value()
                if self.kafka_ssl_key_password
                else None,
            )
        if self.kafka_sasl_mechanism:
            options["sasl_mechanism"] = self.kafka_sasl_mechanism
        if self.kafka_sasl_mechanism in ("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"):
            options["sasl_plain_username"] = self.kafka_sasl_username
            options["sasl_plain_password"] = (
                self.kafka_sasl_password.get_secret_value() if self.kafka_sasl_password else None
            )
        if self.kafka_sasl_mechanism == "OAUTHBEARER":
            options["sasl_oauth_token_provider"] = self.kafka_token_provider()
        return options

    def kafka_token_provider(self) -> AbstractTokenProvider:
        raise ValueError("KAFKA_SASL_MECHANISM=OAUTHBEARER is for the services (their tokens)")


class ServiceSettings(KafkaSettings):
    """Settings every service has. Subclasses set `service`, `port` and an env prefix
    (STEIGER_<SERVICE>_) for their own fields; the system-wide ones keep one name."""

    service: ClassVar[str]

    host: str = "127.0.0.1"
    port: int

    database_url: str | None = Field(None, validation_alias=_global("STEIGER_DATABASE_URL"))
    var_dir: Path = Field(Path("var"), validation_alias=_global("STEIGER_VAR_DIR"))
    oin: str = Field(
        "00000000000000000000",
        pattern=r"^\d{20}$",
        validation_alias=_global("STEIGER_OIN"),
        description="Organisatie-identificatienummer of the organisation running Steiger",
    )
    log_level: str = Field("INFO", validation_alias=_global("STEIGER_LOG_LEVEL"))
    timezone: str = Field(
        "Europe/Amsterdam",
        validation_alias=_global("STEIGER_TIMEZONE"),
        description="Where the organisation and its participants live: what 'today' is, and "
        "the wall clock of reminders and quiet hours",
    )

    registration_wait_seconds: float = Field(
        5.0,
        ge=0,
        le=30,
        validation_alias=_global("STEIGER_REGISTRATION_WAIT_SECONDS"),
        description="How long a request about a participant the service has not heard of "
        "waits for the registration to arrive before it answers 404",
    )
    ready_max_lag: int = Field(
        10_000,
        ge=0,
        validation_alias=_global("STEIGER_READY_MAX_LAG"),
        description="Records the consumer may be behind and still be ready (/health/ready): "
        "a service far behind takes no traffic until it caught up",
    )
    event_signing_key: SecretStr | None = Field(
        None,
        validation_alias=_global("STEIGER_EVENT_SIGNING_KEY"),
        description="32 bytes, base64: every service signs the records it publishes with it "
        "and accepts only records signed with it. Required with PostgreSQL; on the embedded "
        "defaults one is made once and kept in the var directory",
    )

    oidc_issuer: str | None = Field(
        None,
        validation_alias=_global("STEIGER_OIDC_ISSUER"),
        description="The OpenID Connect issuer whose access tokens the services accept (its "
        "discovery document is at <issuer>/.well-known/openid-configuration). Required: "
        "`steiger run` sets it to its development issuer when none is configured",
    )
    oidc_audience: str = Field("steiger", validation_alias=_global("STEIGER_OIDC_AUDIENCE"))
    oidc_roles_claim: str = Field(
        "realm_access.roles", validation_alias=_global("STEIGER_OIDC_ROLES_CLAIM")
    )
    oidc_teams_claim: str = Field("teams", validation_alias=_global("STEIGER_OIDC_TEAMS_CLAIM"))
    development_issuer: bool = Field(
        False,
        validation_alias=_global("STEIGER_DEVELOPMENT_ISSUER"),
        description="Set by `steiger run` when the issuer is its own: /health says so",
    )
    client_id: str | None = Field(
        None, description="The service's own OAuth 2 client (default steiger-<service>)"
    )
    client_secret: SecretStr | None = Field(
        None, description="Its secret, for the tokens it calls other services with"
    )

    @property
    def oauth_client_id(self) -> str:
        return self.client_id or f"steiger-{self.service}"

    def kafka_token_provider(self) -> AbstractTokenProvider:
        return ServiceTokenProvider(self.credentials())

    def credentials(self) -> ServiceCredentials:
        """The service's own token, for the calls it makes to other services."""
        secret = self.client_secret.get_secret_value() if self.client_secret else None
        return ServiceCredentials(self.oidc_issuer or "", self.oauth_client_id, secret)

    audit_key: SecretStr | None = Field(
        None,
        validation_alias=_global("STEIGER_AUDIT_KEY"),
        description="32 bytes, base64: keys the audit trail's chain (`steiger audit verify` "
        "needs it too). Required with PostgreSQL; made once in the var directory otherwise",
    )

    master_key: SecretStr | None = Field(
        None,
        description="32 bytes, base64 (STEIGER_<SERVICE>_MASTER_KEY): wraps the data key of "
        "each participant this service holds case texts or personal data of; each service has "
        "its own. Required with PostgreSQL; made once in the var directory otherwise",
    )

    def master_key_bytes(self) -> bytes:
        return key_from(
            self.master_key,
            f"STEIGER_{self.service.upper()}_MASTER_KEY",
            self.var_dir,
            f"{self.service}-master.key",
            required=bool(self.database_url),
        )

    def audit_chain_key(self) -> bytes:
        return key_from(
            self.audit_key,
            "STEIGER_AUDIT_KEY",
            self.var_dir,
            "audit.key",
            required=bool(self.database_url),
        )

    def signing_key(self) -> bytes:
        return key_from(
            self.event_signing_key,
            "STEIGER_EVENT_SIGNING_KEY",
            self.var_dir,
            "event-signing.key",
            required=bool(self.database_url),
        )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def source(self) -> str:
        """CloudEvents `source`: organisation and system, as the NL GOV profile asks."""
        return self.source_of(self.service)

    def source_of(self, service: str) -> str:
        return f"urn:nld:oin:{self.oin}:systeem:steiger-{service}"


def secret_kept_in(var_dir: Path, name: str, size: int = 32) -> bytes:
    """A random secret made once and kept (mode 0600) in the var directory: for the
    embedded defaults only; production passes its secrets in the environment. Services
    starting side by side agree on one: it is written whole under a name of its own and
    then linked into place, which only the first of them manages."""
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / name
    if not path.exists():
        partial = var_dir / f".{name}.{os.getpid()}"
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(base64.b64encode(os.urandom(size)))
        try:
            os.link(partial, path)
        except FileExistsError:
            pass
        finally:
            partial.unlink()
    return base64.b64decode(path.read_bytes())


def key_from(
    value: SecretStr | None, variable: str, var_dir: Path, kept_as: str, required: bool
) -> bytes:
    """A 32-byte key: from `variable` (base64) when set; else, on the embedded defaults, made
    once and kept in the var directory as `kept_as`; a deployment that `required` it must
    set it."""
    if value is not None:
        key = base64.b64decode(value.get_secret_value())
        if len(key) != 32:
            raise ValueError(f"{variable} must be 32 bytes, base64")
        return key
    if required:
        raise ValueError(f"set {variable} (32 bytes, base64)")
    return secret_kept_in(var_dir, kept_as)


class ServiceTokenProvider(AbstractTokenProvider):
    """SASL/OAUTHBEARER with the service's own access token (client credentials)."""

    def __init__(self, credentials: ServiceCredentials) -> None:
        self.credentials = credentials

    async def token(self) -> str:
        import asyncio

        return await asyncio.to_thread(self.credentials.token)
