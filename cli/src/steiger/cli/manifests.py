"""Kubernetes manifests of the Kustomize base (`deploy/k8s/base`), made from what the code says:
the services and their ports (`steiger.shared.services`), who consumes whom
(`steiger.shared.topics`), who calls whom over HTTP (`CALLS` here). `steiger manifests` writes
them; a contract test keeps the committed files equal to what this makes. The overlays
(`deploy/k8s/overlays/...`) are written by hand.

Names: the Strimzi cluster `steiger-kafka`, the CloudNativePG cluster `steiger-db` (its app
secret `steiger-db-app` holds the database URI), the image `steiger` (set per overlay)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from steiger.cli.runtime import WEB_PORT
from steiger.shared.contracts.exchange import EXCHANGE_TOPIC
from steiger.shared.services import DEFAULT_PORTS, SERVICES
from steiger.shared.topics import CONSUMES, PRODUCERS, dead_letter_topic, events_topic

Manifest = dict[str, Any]

KAFKA = "steiger-kafka"
DATABASE = "steiger-db"
PARTITIONS = 12
REPLICAS = 3
MIN_IN_SYNC = 2

WEB = "web"
PORTS = {**DEFAULT_PORTS, WEB: WEB_PORT}
CALLS: dict[str, tuple[str, ...]] = {
    "participant": ("bridge", "planning", "rewards", "notifications", "reporting"),
    "notifications": ("participant", "planning"),
    "reporting": ("participant", "bridge", "planning", "rewards"),
    WEB: SERVICES,
}
"""Who calls whom over HTTP: the participant service asks every other for a subject-access
export, notifications looks up addresses and action texts, reporting reads the producers'
histories when it rebuilds; the web app calls all six with its users' tokens."""

SEALS_CASE_TEXTS = ("participant", "bridge", "planning", "rewards")
"""The services that need a master key (`STEIGER_<SERVICE>_MASTER_KEY`)."""

RESOURCES = {
    "requests": {"cpu": "250m", "memory": "256Mi"},
    "limits": {"memory": "512Mi"},
}
"""Per process; from the measured resident memory (docs/benchmarks.md, "Resident memory")."""


def labels(service: str) -> dict[str, str]:
    return {
        "app.kubernetes.io/name": f"steiger-{service}",
        "app.kubernetes.io/part-of": "steiger",
        "app.kubernetes.io/component": service,
    }


def selector(service: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": f"steiger-{service}"}


def secret_env(name: str, secret: str, key: str, optional: bool = False) -> dict[str, Any]:
    ref: dict[str, Any] = {"name": secret, "key": key}
    if optional:
        ref["optional"] = True
    return {"name": name, "valueFrom": {"secretKeyRef": ref}}


def deployment(service: str) -> Manifest:
    port = PORTS[service]
    prefix = f"STEIGER_{service.upper()}_"
    if service == WEB:
        # no store, no broker: the six APIs, the issuer, and the key that seals its sessions
        return workload(
            service,
            [
                {"name": f"{prefix}HOST", "value": "0.0.0.0"},
                {"name": f"{prefix}PORT", "value": str(port)},
                secret_env(f"{prefix}SESSION_KEY", "steiger-web-keys", "session-key"),
            ],
            kafka_ca=False,
        )
    env: list[dict[str, Any]] = [
        {"name": f"{prefix}HOST", "value": "0.0.0.0"},
        {"name": f"{prefix}PORT", "value": str(port)},
        secret_env("STEIGER_DATABASE_URL", f"{DATABASE}-app", "uri"),
        {"name": "KAFKA_SASL_USERNAME", "value": f"steiger-{service}"},
        secret_env("KAFKA_SASL_PASSWORD", f"steiger-{service}", "password"),
        secret_env(f"{prefix}CLIENT_SECRET", f"steiger-{service}-oidc", "client-secret"),
        secret_env("STEIGER_AUDIT_KEY", "steiger-shared-keys", "audit-key"),
        secret_env("STEIGER_EVENT_SIGNING_KEY", "steiger-shared-keys", "event-signing-key"),
    ]
    if service in SEALS_CASE_TEXTS:
        env.append(secret_env(f"{prefix}MASTER_KEY", f"steiger-{service}-keys", "master-key"))
    if service == "notifications":
        keys = "steiger-notifications-keys"
        env.append(secret_env(f"{prefix}FEED_SECRET", keys, "feed-secret"))
        env.append(secret_env(f"{prefix}PARTNER_SECRET", keys, "partner-secret"))
    return workload(service, env)


def workload(service: str, env: list[dict[str, Any]], kafka_ca: bool = True) -> Manifest:
    port = PORTS[service]
    probe = {"httpGet": {"path": "/health/live", "port": "http"}}
    mounts: list[dict[str, Any]] = [
        {"name": "var", "mountPath": "/app/var"},
        {"name": "tmp", "mountPath": "/tmp"},
    ]
    volumes: list[dict[str, Any]] = [
        {"name": "var", "emptyDir": {}},
        {"name": "tmp", "emptyDir": {}},
    ]
    if kafka_ca:
        mounts.append({"name": "kafka-ca", "mountPath": "/etc/steiger/kafka", "readOnly": True})
        volumes.append({"name": "kafka-ca", "secret": {"secretName": f"{KAFKA}-cluster-ca-cert"}})
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": f"steiger-{service}", "labels": labels(service)},
        "spec": {
            "replicas": 2,
            "revisionHistoryLimit": 5,
            "selector": {"matchLabels": selector(service)},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1},
            },
            "template": {
                "metadata": {
                    "labels": labels(service),
                    "annotations": {
                        "prometheus.io/scrape": "true",
                        "prometheus.io/port": str(port),
                        "prometheus.io/path": "/metrics",
                    },
                },
                "spec": {
                    "automountServiceAccountToken": False,
                    "enableServiceLinks": False,
                    "terminationGracePeriodSeconds": 30,
                    "securityContext": {
                        "runAsNonRoot": True,
                        "runAsUser": 10001,
                        "runAsGroup": 10001,
                        "fsGroup": 10001,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "topologySpreadConstraints": [
                        {
                            "maxSkew": 1,
                            "topologyKey": "kubernetes.io/hostname",
                            "whenUnsatisfiable": "ScheduleAnyway",
                            "labelSelector": {"matchLabels": selector(service)},
                        }
                    ],
                    "containers": [
                        {
                            "name": service,
                            "image": "steiger",
                            "command": [f"steiger-{service}"],
                            "ports": [{"name": "http", "containerPort": port}],
                            "envFrom": [{"configMapRef": {"name": "steiger-config"}}],
                            "env": env,
                            "startupProbe": {**probe, "periodSeconds": 2, "failureThreshold": 60},
                            "livenessProbe": {
                                **probe,
                                "periodSeconds": 10,
                                "timeoutSeconds": 3,
                                "failureThreshold": 3,
                            },
                            "readinessProbe": {
                                "httpGet": {"path": "/health/ready", "port": "http"},
                                "periodSeconds": 5,
                                "timeoutSeconds": 3,
                                "failureThreshold": 3,
                            },
                            "resources": RESOURCES,
                            "securityContext": {
                                "allowPrivilegeEscalation": False,
                                "readOnlyRootFilesystem": True,
                                "capabilities": {"drop": ["ALL"]},
                            },
                            "volumeMounts": mounts,
                        }
                    ],
                    "volumes": volumes,
                },
            },
        },
    }


def service_entry(service: str) -> Manifest:
    port = PORTS[service]
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": service, "labels": labels(service)},
        "spec": {
            "selector": selector(service),
            "ports": [{"name": "http", "port": port, "targetPort": "http"}],
        },
    }


def disruption_budget(service: str) -> Manifest:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": f"steiger-{service}", "labels": labels(service)},
        "spec": {"minAvailable": 1, "selector": {"matchLabels": selector(service)}},
    }


def callers_of(service: str) -> list[str]:
    return sorted(caller for caller, called in CALLS.items() if service in called)


def network_policies() -> list[Manifest]:
    """Nothing reaches a Steiger pod unless named here: its callers among the services, the
    ingress controller (the web and partner entrances) and Prometheus. Out of a pod: DNS,
    Kafka, PostgreSQL, the services it calls, and HTTPS/SMTP beyond the cluster (the issuer,
    mail, webhooks)."""
    everyone = {"matchLabels": {"app.kubernetes.io/part-of": "steiger"}}
    policies: list[Manifest] = [
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": "steiger-default-deny"},
            "spec": {"podSelector": everyone, "policyTypes": ["Ingress", "Egress"]},
        }
    ]
    for service in (*SERVICES, WEB):
        port = PORTS[service]
        sources: list[dict[str, Any]] = [
            {"podSelector": {"matchLabels": selector(caller)}} for caller in callers_of(service)
        ]
        sources += [
            {"namespaceSelector": {"matchLabels": {"steiger.nl/entrance": "true"}}},
            {"namespaceSelector": {"matchLabels": {"steiger.nl/monitoring": "true"}}},
        ]
        called = [
            {
                "to": [{"podSelector": {"matchLabels": selector(other)}}],
                "ports": [{"protocol": "TCP", "port": PORTS[other]}],
            }
            for other in CALLS.get(service, ())
        ]
        policies.append(
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "metadata": {"name": f"steiger-{service}", "labels": labels(service)},
                "spec": {
                    "podSelector": {"matchLabels": selector(service)},
                    "policyTypes": ["Ingress", "Egress"],
                    "ingress": [{"from": sources, "ports": [{"protocol": "TCP", "port": port}]}],
                    "egress": [*(WEB_EGRESS if service == WEB else BASE_EGRESS), *called],
                },
            }
        )
    return policies


DNS_EGRESS: dict[str, Any] = {
    "to": [{"namespaceSelector": {}}],
    "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
}
STORE_EGRESS: list[dict[str, Any]] = [
    {  # Kafka's TLS listener
        "to": [{"podSelector": {"matchLabels": {"strimzi.io/cluster": KAFKA}}}],
        "ports": [{"protocol": "TCP", "port": 9093}],
    },
    {
        "to": [{"podSelector": {"matchLabels": {"cnpg.io/cluster": DATABASE}}}],
        "ports": [{"protocol": "TCP", "port": 5432}],
    },
]
OUTSIDE_EGRESS: dict[str, Any] = {  # the OpenID Connect issuer, SMTP, webhooks
    "to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}],
    "ports": [{"protocol": "TCP", "port": 443}, {"protocol": "TCP", "port": 587}],
}
BASE_EGRESS: list[dict[str, Any]] = [DNS_EGRESS, *STORE_EGRESS, OUTSIDE_EGRESS]
WEB_EGRESS: list[dict[str, Any]] = [DNS_EGRESS, OUTSIDE_EGRESS]
"""The web app keeps no store: no Kafka, no PostgreSQL."""


def kafka_cluster() -> list[Manifest]:
    return [
        {
            "apiVersion": "kafka.strimzi.io/v1beta2",
            "kind": "KafkaNodePool",
            "metadata": {"name": "dual-role", "labels": {"strimzi.io/cluster": KAFKA}},
            "spec": {
                "replicas": REPLICAS,
                "roles": ["controller", "broker"],
                "storage": {
                    "type": "jbod",
                    "volumes": [
                        {
                            "id": 0,
                            "type": "persistent-claim",
                            "size": "100Gi",
                            "deleteClaim": False,
                            "kraftMetadata": "shared",
                        }
                    ],
                },
            },
        },
        {
            "apiVersion": "kafka.strimzi.io/v1beta2",
            "kind": "Kafka",
            "metadata": {
                "name": KAFKA,
                "annotations": {"strimzi.io/node-pools": "enabled", "strimzi.io/kraft": "enabled"},
            },
            "spec": {
                "kafka": {
                    "version": "3.9.0",
                    "metadataVersion": "3.9-IV0",
                    "listeners": [
                        {
                            "name": "tls",
                            "port": 9093,
                            "type": "internal",
                            "tls": True,
                            "authentication": {"type": "scram-sha-512"},
                        }
                    ],
                    "authorization": {"type": "simple"},
                    "config": {
                        "auto.create.topics.enable": False,
                        "default.replication.factor": REPLICAS,
                        "min.insync.replicas": MIN_IN_SYNC,
                        "offsets.topic.replication.factor": REPLICAS,
                        "transaction.state.log.replication.factor": REPLICAS,
                        "transaction.state.log.min.isr": MIN_IN_SYNC,
                    },
                },
                "entityOperator": {"topicOperator": {}, "userOperator": {}},
            },
        },
    ]


def topics() -> dict[str, int]:
    """Every topic with its partitions: events per producer, dead letters per service, and
    reporting's exchange feed (one partition: one ordered stream of datasets)."""
    names = {events_topic(p): PARTITIONS for p in PRODUCERS}
    names |= {dead_letter_topic(s): PARTITIONS for s in SERVICES}
    names[EXCHANGE_TOPIC] = 1
    return names


def kafka_topics() -> list[Manifest]:
    return [
        {
            "apiVersion": "kafka.strimzi.io/v1beta2",
            "kind": "KafkaTopic",
            "metadata": {"name": name, "labels": {"strimzi.io/cluster": KAFKA}},
            "spec": {
                "topicName": name,
                "partitions": partitions,
                "replicas": REPLICAS,
                "config": {
                    "min.insync.replicas": MIN_IN_SYNC,
                    # kept for ever: a view is rebuilt, and a consumer starts, from the first
                    # event (`steiger replay`); erasure works by destroying keys, not records
                    "retention.ms": -1,
                    "cleanup.policy": "delete",
                },
            },
        }
        for name, partitions in topics().items()
    ]


def acls_of(service: str) -> list[dict[str, Any]]:
    """Exactly the topics the service produces and consumes, and its consumer group."""

    def topic(name: str, *operations: str) -> dict[str, Any]:
        return {
            "resource": {"type": "topic", "name": name, "patternType": "literal"},
            "operations": list(operations),
        }

    acls = []
    if service in PRODUCERS:  # the relay publishes, and reads the tails back
        acls.append(topic(events_topic(service), "Write", "Read", "Describe"))
    acls += [topic(events_topic(p), "Read", "Describe") for p in CONSUMES.get(service, ())]
    acls.append(topic(dead_letter_topic(service), "Write", "Read", "Describe"))
    if service == "reporting":
        acls.append(topic(EXCHANGE_TOPIC, "Write", "Read", "Describe"))
    acls.append(
        {
            "resource": {"type": "group", "name": f"steiger-{service}", "patternType": "literal"},
            "operations": ["Read", "Describe"],
        }
    )
    return acls


def kafka_users() -> list[Manifest]:
    return [
        {
            "apiVersion": "kafka.strimzi.io/v1beta2",
            "kind": "KafkaUser",
            "metadata": {"name": f"steiger-{service}", "labels": {"strimzi.io/cluster": KAFKA}},
            "spec": {
                "authentication": {"type": "scram-sha-512"},
                "authorization": {"type": "simple", "acls": acls_of(service)},
            },
        }
        for service in SERVICES
    ]


def database() -> list[Manifest]:
    return [
        {
            "apiVersion": "postgresql.cnpg.io/v1",
            "kind": "Cluster",
            "metadata": {"name": DATABASE},
            "spec": {
                "instances": 3,
                "imageName": "ghcr.io/cloudnative-pg/postgresql:16.6",
                "primaryUpdateStrategy": "unsupervised",
                "storage": {"size": "50Gi"},
                "walStorage": {"size": "10Gi"},
                "bootstrap": {"initdb": {"database": "steiger", "owner": "steiger"}},
                "postgresql": {
                    "parameters": {
                        # every process of every service holds a few connections
                        "max_connections": "300",
                        "shared_buffers": "512MB",
                    }
                },
                "resources": {
                    "requests": {"cpu": "500m", "memory": "2Gi"},
                    "limits": {"memory": "2Gi"},
                },
            },
        }
    ]


def config_map() -> Manifest:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "steiger-config"},
        "data": {
            "KAFKA_BOOTSTRAP_SERVERS": f"{KAFKA}-kafka-bootstrap:9093",
            "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "KAFKA_SSL_CA_FILE": "/etc/steiger/kafka/ca.crt",
            "STEIGER_KAFKA_PARTITIONS": str(PARTITIONS),
            "STEIGER_TIMEZONE": "Europe/Amsterdam",
            "STEIGER_LOG_LEVEL": "INFO",
            "STEIGER_PARTICIPANT_PEER_URLS": _urls(CALLS["participant"]),
            "STEIGER_REPORTING_PRODUCER_URLS": _urls(CALLS["reporting"]),
            "STEIGER_NOTIFICATIONS_PARTICIPANT_URL": _url("participant"),
            "STEIGER_NOTIFICATIONS_PLANNING_URL": _url("planning"),
            "STEIGER_WEB_SERVICE_URLS": _urls(CALLS[WEB]),
        },
    }


def _url(service: str) -> str:
    return f"http://{service}:{DEFAULT_PORTS[service]}"


def _urls(services: Iterable[str]) -> str:
    return json.dumps({service: _url(service) for service in services})


def base() -> dict[str, list[Manifest]]:
    """The base's files and what each holds."""
    return {
        "config.yaml": [config_map()],
        "services.yaml": [
            manifest
            for service in (*SERVICES, WEB)
            for manifest in (
                deployment(service),
                service_entry(service),
                disruption_budget(service),
            )
        ],
        "network-policies.yaml": network_policies(),
        "kafka.yaml": kafka_cluster(),
        "kafka-topics.yaml": kafka_topics(),
        "kafka-users.yaml": kafka_users(),
        "database.yaml": database(),
    }


HEADER = (
    "# Made by `steiger manifests` from the code (cli/src/steiger/cli/manifests.py): edit there.\n"
)


def render(manifests: list[Manifest]) -> str:
    return HEADER + "".join(
        "---\n" + yaml.safe_dump(m, sort_keys=False, width=100) for m in manifests
    )


def kustomization(files: Iterable[str]) -> str:
    body = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": list(files),
    }
    return HEADER + yaml.safe_dump(body, sort_keys=False)


def write_base(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    files = base()
    for name, manifests in files.items():
        path = directory / name
        path.write_text(render(manifests))
        written.append(path)
    path = directory / "kustomization.yaml"
    path.write_text(kustomization(files))
    written.append(path)
    return written
