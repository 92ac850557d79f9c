"""The container image and the single-host compose file: the compose file passes a compose
implementation's `config` check (the Compose specification's schema and interpolation) and
refuses to start without its secrets; every container has a health check; the image installs
the locked dependencies without the development ones, and every service starts from them;
the Keycloak realm has Steiger's roles and a client per service."""

from __future__ import annotations

import json
import os
import re
import subprocess

import yaml

from steiger.cli.runtime import ALLOCATOR, ServiceProcess
from steiger.shared.access import Role
from steiger.shared.services import DEFAULT_PORTS, SERVICES

from .deploy_tools import DEPLOY, ROOT, run, tool

COMPOSE = DEPLOY / "compose.yaml"
DOCKERFILE = DEPLOY / "Dockerfile"


def compose_config(tmp_path, *profile: str, env: dict[str, str | None] | None = None):
    """`docker-compose config` over the file with the example's variables (`env` changes)."""
    values = dict(
        line.split("=", 1)
        for line in (DEPLOY / "compose.env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    values.update(env or {})
    env_file = tmp_path / "compose.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in values.items() if v is not None))
    return run(
        tool("docker-compose"), "-f", str(COMPOSE), "--env-file", str(env_file), *profile,
        "config", check=False,
    )  # fmt: skip


def test_the_compose_file_is_valid_and_runs_everything_with_health_checks(tmp_path):
    done = compose_config(tmp_path, "--profile", "observability")
    assert done.returncode == 0, done.stderr
    config = yaml.safe_load(done.stdout)
    containers = config["services"]
    assert set(containers) == {
        *SERVICES, "web", "kafka", "postgres", "keycloak", "prometheus", "grafana"
    }  # fmt: skip
    assert all(container.get("healthcheck") for container in containers.values())
    assert containers["kafka"]["image"].startswith("apache/kafka:")
    assert containers["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
    for service in SERVICES:
        container = containers[service]
        port = DEFAULT_PORTS[service]
        assert container["command"] == [f"steiger-{service}"]
        assert f"http://127.0.0.1:{port}/health/ready" in " ".join(container["healthcheck"]["test"])
        assert container["environment"][f"STEIGER_{service.upper()}_HOST"] == "0.0.0.0"
        assert container["read_only"] is True
        assert {"kafka", "postgres", "keycloak"} <= set(container["depends_on"])
    web = containers["web"]
    assert web["command"] == ["steiger-web"] and web["read_only"] is True
    assert "http://127.0.0.1:8000/health/ready" in " ".join(web["healthcheck"]["test"])
    assert web["environment"]["STEIGER_OIDC_ISSUER"] == "http://keycloak:8080/realms/steiger"
    urls = json.loads(web["environment"]["STEIGER_WEB_SERVICE_URLS"])
    assert urls == {s: f"http://{s}:{DEFAULT_PORTS[s]}" for s in SERVICES}
    assert "STEIGER_DATABASE_URL" not in web["environment"]  # no store of its own
    scraped = yaml.safe_load((DEPLOY / "observability" / "prometheus.yml").read_text())
    targets = {c["job_name"]: c["static_configs"][0]["targets"] for c in scraped["scrape_configs"]}
    assert targets == {
        **{f"steiger-{s}": [f"{s}:{DEFAULT_PORTS[s]}"] for s in SERVICES},
        "steiger-web": ["web:8000"],
    }


def test_prometheus_and_grafana_run_only_in_the_observability_profile(tmp_path):
    done = compose_config(tmp_path)
    assert done.returncode == 0, done.stderr
    containers = yaml.safe_load(done.stdout)["services"]
    profiled = {name: c["profiles"] for name, c in containers.items() if c.get("profiles")}
    assert profiled == {"prometheus": ["observability"], "grafana": ["observability"]}


def test_the_compose_file_refuses_to_run_without_its_keys(tmp_path):
    done = compose_config(tmp_path, env={"STEIGER_PLANNING_MASTER_KEY": None})
    assert done.returncode != 0
    assert "STEIGER_PLANNING_MASTER_KEY" in done.stderr


def stages(dockerfile: str) -> list[list[str]]:
    """The Dockerfile's instructions (continuation lines joined), by stage."""
    joined = re.sub(r"\\\n\s*", " ", dockerfile)
    found: list[list[str]] = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("FROM "):
            found.append([])
        found[-1].append(line)
    return found


def test_the_image_runs_as_a_user_without_compilers_in_its_final_stage():
    build, final = stages(DOCKERFILE.read_text())
    assert final[0].startswith("FROM python:3.12-slim")
    user = [line for line in final if line.startswith("USER ")]
    assert user == ["USER 10001:10001"]
    assert not any(re.search(r"gcc|build-essential|apt-get install", line) for line in final)
    assert any("COPY --from=build" in line and "/app/.venv" in line for line in final)
    assert any("--no-dev" in line for line in build)


def test_the_image_and_steiger_run_start_services_with_the_same_allocator_settings():
    _, final = stages(DOCKERFILE.read_text())
    env = " ".join(line for line in final if line.startswith("ENV "))
    for name, value in ALLOCATOR.items():
        assert f"{name}={value}" in env


def test_a_service_process_starts_with_the_allocator_settings_unless_told_otherwise(tmp_path):
    (tmp_path / "show_allocator.py").write_text(
        "import os\n"
        "print(os.environ['MALLOC_TRIM_THRESHOLD_'], os.environ['MALLOC_MMAP_THRESHOLD_'])\n"
    )
    shown = tmp_path / "env.log"
    told = {"MALLOC_MMAP_THRESHOLD_": "65536", "PYTHONPATH": str(tmp_path)}
    process = ServiceProcess("printer", 0, told, shown, command=("show_allocator",))
    process.start()
    assert process.process is not None and process.process.wait(timeout=30) == 0
    assert shown.read_text().split() == [ALLOCATOR["MALLOC_TRIM_THRESHOLD_"], "65536"]


def test_the_image_s_install_step_gives_every_service_what_it_needs(tmp_path):
    """The Dockerfile's last `uv sync`, run here into an environment of its own: without the
    development dependencies, every service and the CLI import, PostgreSQL's driver too."""
    (install,) = [
        line for line in stages(DOCKERFILE.read_text())[0]
        if "uv sync" in line and "--no-install-workspace" not in line
    ]  # fmt: skip
    arguments = install.split("uv sync", 1)[1].split()
    uv = ROOT / ".tools" / "bin" / "uv"
    environment = tmp_path / "image-venv"
    # uv keeps a workspace member's wheel until its pyproject.toml changes: built afresh
    ours = [f"--reinstall-package=steiger-{p}" for p in (*SERVICES, "web", "shared", "cli")]
    subprocess.run(
        [str(uv) if uv.exists() else tool("uv"), "sync", *arguments, *ours, "--quiet"],
        cwd=ROOT,
        env={**os.environ, "UV_PROJECT_ENVIRONMENT": str(environment)},
        check=True,
        timeout=600,
    )
    modules = [f"steiger.{s}.main" for s in (*SERVICES, "web")] + [
        "steiger.cli.main", "psycopg_pool",
    ]  # fmt: skip
    probe = f"import importlib; [importlib.import_module(m) for m in {modules!r}]"
    done = subprocess.run(
        [str(environment / "bin" / "python"), "-c", probe], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    for dev_only in ("pytest", "mypy", "ruff"):
        assert not list((environment / "lib").glob(f"python*/site-packages/{dev_only}"))
    scripts = {p.name for p in (environment / "bin").iterdir()}
    assert {f"steiger-{s}" for s in (*SERVICES, "web")} | {"steiger"} <= scripts


def test_the_realm_has_steiger_s_roles_and_a_client_per_service():
    realm = json.loads((DEPLOY / "keycloak" / "steiger-realm.json").read_text())
    assert {r["name"] for r in realm["roles"]["realm"]} == {r.value for r in Role}
    clients = {c["clientId"]: c for c in realm["clients"]}
    accounts = {u.get("serviceAccountClientId"): u for u in realm["users"]}
    for service in SERVICES:
        client = clients[f"steiger-{service}"]
        assert client["serviceAccountsEnabled"] and not client["publicClient"]
        assert client["secret"] == f"${{STEIGER_{service.upper()}_CLIENT_SECRET}}"
        assert accounts[f"steiger-{service}"]["realmRoles"] == ["service"]
    web = clients["steiger-web"]
    assert web["publicClient"] and web["attributes"]["pkce.code.challenge.method"] == "S256"
    (scope,) = realm["clientScopes"]
    mappers = {m["protocolMapper"]: m["config"] for m in scope["protocolMappers"]}
    assert mappers["oidc-audience-mapper"]["included.custom.audience"] == "steiger"
    assert mappers["oidc-group-membership-mapper"]["claim.name"] == "teams"
