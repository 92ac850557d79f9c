"""The Kubernetes manifests: the base is what the code makes; every overlay renders with
Kustomize and every rendered object validates, offline, against the Kubernetes API's schemas
(kubernetes-validate) or, for Strimzi's and CloudNativePG's resources, against those
operators' CRD schemas (deploy/k8s/validation); and what they say matches the code: probes,
budgets, who may talk to whom, which topics each service's Kafka user may touch."""

from __future__ import annotations

import json
from functools import cache

import kubernetes_validate
import pytest
import yaml

from steiger.cli.manifests import PORTS, base, render
from steiger.shared.contracts.exchange import EXCHANGE_TOPIC
from steiger.shared.services import SERVICES
from steiger.shared.topics import CONSUMES, PRODUCERS, dead_letter_topic, events_topic

from .deploy_tools import DEPLOY, run, tool

K8S = DEPLOY / "k8s"
OVERLAYS = ("dev", "production")
KUBERNETES_VERSION = "1.31.0"
OPERATED = ("kafka.strimzi.io/", "postgresql.cnpg.io/")
MADE_BY_OPERATORS = {"steiger-db-app", "steiger-kafka-cluster-ca-cert"} | {
    f"steiger-{s}" for s in SERVICES
}
"""Secrets CloudNativePG and Strimzi make (the database URI, the CA, the KafkaUsers')."""


@cache
def rendered(overlay: str) -> list[dict]:
    kubectl = tool("kubectl")
    out = run(kubectl, "kustomize", str(K8S / "overlays" / overlay)).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc]


def of_kind(docs: list[dict], kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def validate_operated(docs: list[dict]) -> str:
    """Runs the CRD-schema validator over the documents; returns what it printed."""
    tool("node")
    validation = K8S / "validation"
    if not (validation / "node_modules").exists():
        run(tool("npm"), "ci", "--ignore-scripts", "--no-audit", "--no-fund", cwd=validation)
    done = run("node", "validate.mjs", stdin=json.dumps(docs), cwd=validation, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_base_is_what_the_code_makes():
    for name, manifests in base().items():
        assert (K8S / "base" / name).read_text() == render(manifests), (
            f"deploy/k8s/base/{name} is out of date: run `steiger manifests`"
        )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_of_every_overlay_validates_against_its_schema(overlay):
    docs = rendered(overlay)
    for doc in docs:
        if doc["apiVersion"].startswith(OPERATED):
            continue
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    operated = [d for d in docs if d["apiVersion"].startswith(OPERATED)]
    said = validate_operated(operated)
    assert said.count("valid ") == len(operated) == len(said.splitlines())
    kinds = {d["kind"] for d in operated}
    assert kinds == {"Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "Cluster"}


def test_the_validators_reject_what_is_wrong():
    deployment = json.loads(
        json.dumps(of_kind(rendered("production"), "Deployment")["steiger-bridge"])
    )
    deployment["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)
    deployment["spec"]["replicas"] = 2
    deployment["spec"]["template"]["spec"]["containers"][0]["livenessProb"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)

    topic = json.loads(json.dumps(of_kind(rendered("production"), "KafkaTopic")[EXCHANGE_TOPIC]))
    topic["spec"]["partitions"] = "one"
    with pytest.raises(AssertionError, match="INVALID"):
        validate_operated([topic])
    unknown = {"apiVersion": "kafka.strimzi.io/v1beta2", "kind": "KafkaBridg", "metadata": {}}
    with pytest.raises(AssertionError, match="UNKNOWN"):
        validate_operated([unknown])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_service_runs_with_probes_a_budget_and_its_own_port(overlay):
    docs = rendered(overlay)
    deployments, services = of_kind(docs, "Deployment"), of_kind(docs, "Service")
    budgets = of_kind(docs, "PodDisruptionBudget")
    assert set(deployments) == {f"steiger-{s}" for s in (*SERVICES, "web")}
    for service in (*SERVICES, "web"):
        pod = deployments[f"steiger-{service}"]["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        assert container["command"] == [f"steiger-{service}"]
        assert container["ports"] == [{"name": "http", "containerPort": PORTS[service]}]
        assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
        assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert container["resources"]["requests"] and container["resources"]["limits"]["memory"]
        assert services[service]["spec"]["ports"][0]["port"] == PORTS[service]
        assert f"steiger-{service}" in budgets
    replicas = {d["spec"]["replicas"] for d in deployments.values()}
    assert replicas == ({2} if overlay == "production" else {1})


def test_production_runs_replicated_kafka_and_postgresql():
    docs = rendered("production")
    (pool,) = of_kind(docs, "KafkaNodePool").values()
    assert pool["spec"]["replicas"] == 3
    topics = of_kind(docs, "KafkaTopic")
    expected = {events_topic(p) for p in PRODUCERS} | {dead_letter_topic(s) for s in SERVICES}
    assert set(topics) == expected | {EXCHANGE_TOPIC}
    for topic in topics.values():
        assert topic["spec"]["replicas"] == 3
        assert topic["spec"]["config"]["min.insync.replicas"] == 2
    (database,) = of_kind(docs, "Cluster").values()
    assert database["spec"]["instances"] == 3


def test_each_kafka_user_may_touch_exactly_the_topics_its_service_uses():
    users = of_kind(rendered("production"), "KafkaUser")
    for service in SERVICES:
        acls = users[f"steiger-{service}"]["spec"]["authorization"]["acls"]
        readable = {a["resource"]["name"] for a in acls
                    if a["resource"]["type"] == "topic" and "Read" in a["operations"]}  # fmt: skip
        writable = {a["resource"]["name"] for a in acls if "Write" in a["operations"]}
        produced = {events_topic(service)} if service in PRODUCERS else set()
        own = {dead_letter_topic(service)} | ({EXCHANGE_TOPIC} if service == "reporting" else set())
        assert writable == produced | own
        assert readable == produced | own | {events_topic(p) for p in CONSUMES.get(service, ())}
        groups = {a["resource"]["name"] for a in acls if a["resource"]["type"] == "group"}
        assert groups == {f"steiger-{service}"}


def test_only_a_service_s_callers_the_entrances_and_monitoring_reach_it():
    policies = of_kind(rendered("production"), "NetworkPolicy")
    assert policies["steiger-default-deny"]["spec"]["policyTypes"] == ["Ingress", "Egress"]
    callers = {"participant": {"notifications", "reporting", "web"},
               "bridge": {"participant", "reporting", "web"},
               "planning": {"participant", "notifications", "reporting", "web"},
               "rewards": {"participant", "reporting", "web"},
               "notifications": {"participant", "web"},
               "reporting": {"participant", "web"}, "web": set()}  # fmt: skip
    for service in (*SERVICES, "web"):
        (rule,) = policies[f"steiger-{service}"]["spec"]["ingress"]
        pods = {
            source["podSelector"]["matchLabels"]["app.kubernetes.io/name"].removeprefix("steiger-")
            for source in rule["from"]
            if "podSelector" in source
        }
        namespaces = [s["namespaceSelector"]["matchLabels"] for s in rule["from"]
                      if "namespaceSelector" in s]  # fmt: skip
        assert pods == callers[service]
        assert namespaces == [{"steiger.nl/entrance": "true"}, {"steiger.nl/monitoring": "true"}]
        assert rule["ports"] == [{"protocol": "TCP", "port": PORTS[service]}]
    # the web app keeps no store: it reaches neither Kafka nor PostgreSQL
    egress = policies["steiger-web"]["spec"]["egress"]
    assert not any("strimzi.io/cluster" in str(rule) or "cnpg.io" in str(rule) for rule in egress)


def test_every_secret_a_pod_needs_is_made_by_the_dev_overlay_or_an_operator():
    docs = rendered("dev")
    made = set(of_kind(docs, "Secret"))
    needed: set[str] = set()
    keys: dict[str, set[str]] = {}
    for deployment in of_kind(docs, "Deployment").values():
        pod = deployment["spec"]["template"]["spec"]
        for env in pod["containers"][0]["env"]:
            ref = env.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                needed.add(ref["name"])
                keys.setdefault(ref["name"], set()).add(ref["key"])
        needed |= {v["secret"]["secretName"] for v in pod["volumes"] if "secret" in v}
    assert needed - MADE_BY_OPERATORS == made  # the names carry the generator's hash
    for name, doc in of_kind(docs, "Secret").items():
        assert keys[name] <= set(doc["data"]), name
