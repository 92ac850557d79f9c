"""The CLI's own access token, for `steiger demo`, `import`, `replay`, `dead-letters` and
`bench`: `STEIGER_TOKEN` when set (a token from the organisation's issuer, for a role that
may do what the command does), else one from the development issuer of `steiger run`, whose
secret is in the var directory."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from steiger.cli.issuer import DEFAULT_PORT, DevelopmentIssuer
from steiger.shared.access import Role

STAFF = tuple(role for role in Role if role not in (Role.PARTICIPANT, Role.SERVICE))
"""Every role of the organisation's own people: the demo and the benchmark act as all of
them at once."""
DEMO_TEAM = "demo"


class NoToken(Exception):
    """Unauthorized"""


def access_token(
    *roles: Role,
    subject: str = "steiger-cli",
    teams: Iterable[str] = (DEMO_TEAM,),
    var_dir: Path | None = None,
) -> str:
    if token := os.environ.get("STEIGER_TOKEN"):
        return token
    if os.environ.get("STEIGER_OIDC_ISSUER") and not os.environ.get("STEIGER_DEVELOPMENT_ISSUER"):
        raise NoToken(
            "an issuer is configured (STEIGER_OIDC_ISSUER): set STEIGER_TOKEN to an access "
            "token from it, for a role that may do this"
        )
    var_dir = var_dir or Path(os.environ.get("STEIGER_VAR_DIR", "var"))
    url = os.environ.get("STEIGER_DEV_ISSUER_URL") or (
        f"http://127.0.0.1:{os.environ.get('STEIGER_DEV_ISSUER_PORT') or DEFAULT_PORT}"
    )
    issuer = DevelopmentIssuer(var_dir, url)
    return issuer.mint(subject, [str(role) for role in roles], teams=sorted(teams))


def bearer(*roles: Role) -> dict[str, str]:
    """The Authorization header of the CLI's calls with these roles."""
    return {"Authorization": f"Bearer {access_token(*roles)}"}
