"""Access tokens for tests: one development issuer for the whole session, served over real
HTTP (the services fetch its keys as they would Keycloak's), and the headers a test's caller
sends. `STEIGER_OIDC_ISSUER` points every service built in the test process at it."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import tempfile
import threading
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import uvicorn
from eventsourcing.persistence import Tracking

from steiger.cli.issuer import DevelopmentIssuer, issuer_app
from steiger.shared.access import Role
from steiger.shared.contracts.participant import MentorAssigned
from steiger.shared.services import SERVICES

from .waiting import eventually

STAFF = tuple(role for role in Role if role is not Role.PARTICIPANT)
TEAM = "team-test"
"""The team of the default test caller: it leads it, and reaches every case not assigned."""

_issuer: DevelopmentIssuer | None = None


def session_issuer() -> DevelopmentIssuer:
    """The test session's issuer, started once, on a free port."""
    global _issuer
    if _issuer is None:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        issuer = DevelopmentIssuer(
            Path(tempfile.mkdtemp(prefix="steiger-issuer-")), f"http://127.0.0.1:{port}"
        )
        server = uvicorn.Server(
            uvicorn.Config(issuer_app(issuer), port=port, log_level="warning", lifespan="off")
        )
        threading.Thread(target=server.run, daemon=True, name="test-issuer").start()
        eventually(lambda: server.started, timeout=10, interval=0.02)
        os.environ["STEIGER_OIDC_ISSUER"] = issuer.url
        for service in SERVICES:
            secret = issuer.client_secret(f"steiger-{service}")
            os.environ[f"STEIGER_{service.upper()}_CLIENT_SECRET"] = secret
        _issuer = issuer
    return _issuer


def bearer(
    *roles: Role | str, subject: str | uuid.UUID = "tester", teams: Iterable[str] = ()
) -> dict[str, str]:
    """The Authorization header of a caller with these roles."""
    token = session_issuer().mint(str(subject), [str(r) for r in roles], teams=sorted(teams))
    return {"Authorization": f"Bearer {token}"}


def staff(**kwargs: Any) -> dict[str, str]:
    """A caller with every role but the participant's, leading the test team: the caller of
    tests that are not about access."""
    return bearer(*STAFF, teams=[TEAM], **kwargs)


def mentor(mentor_id: uuid.UUID | str, team: str | None = None) -> dict[str, str]:
    return bearer(Role.MENTOR, subject=mentor_id, teams=[team] if team else [])


def team_lead(*teams: str, subject: str = "team-lead") -> dict[str, str]:
    return bearer(Role.TEAM_LEAD, subject=subject, teams=teams)


_assignments = itertools.count(1)


def assigned(
    app: Any,
    participant_id: uuid.UUID,
    mentor_id: uuid.UUID,
    team: str | None = None,
    previous: uuid.UUID | None = None,
) -> None:
    """The participant service's MentorAssigned, as a service's consumer records it."""
    app = getattr(getattr(getattr(app, "app", None), "state", None), "application", app)
    event = MentorAssigned(
        participant_id=participant_id,
        mentor_id=mentor_id,
        previous_mentor_id=previous,
        team=team,
        assigned_on=dt.date(2026, 1, 6),
    )
    app.process_event(event, Tracking(f"assignments#{participant_id}", next(_assignments)))
