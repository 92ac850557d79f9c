"""The six services and where each answers: one map for their settings, `steiger run` and
every CLI command that talks to them. A service's port and host come from
`STEIGER_<SERVICE>_PORT` and `STEIGER_<SERVICE>_HOST`, as the service itself reads them."""

from __future__ import annotations

import os
from collections.abc import Mapping

SERVICES = ("participant", "bridge", "planning", "rewards", "notifications", "reporting")
DEFAULT_PORTS = dict(zip(SERVICES, range(8001, 8007), strict=True))
WILDCARDS = ("", "0.0.0.0", "::")
"""Hosts a service may listen on that a client cannot connect to: it connects on loopback."""


def port_of(service: str, environ: Mapping[str, str] = os.environ) -> int:
    return int(environ.get(f"STEIGER_{service.upper()}_PORT") or DEFAULT_PORTS[service])


def url_of(service: str, environ: Mapping[str, str] = os.environ, port: int | None = None) -> str:
    """Where `service` answers, as the environment configures it (the defaults otherwise),
    or on another `port`."""
    host = environ.get(f"STEIGER_{service.upper()}_HOST", "127.0.0.1")
    if host in WILDCARDS:
        host = "127.0.0.1"
    return f"http://{host}:{port or port_of(service, environ)}"


def urls_of(
    services: tuple[str, ...] | list[str], environ: Mapping[str, str] = os.environ
) -> dict[str, str]:
    return {service: url_of(service, environ) for service in services}
