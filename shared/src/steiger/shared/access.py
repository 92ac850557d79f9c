"""Who may see and do what: the door of every route.

Every route declares the roles it admits, `dependencies=[admits(Role.MENTOR, ...)]`, or that
it is public, `dependencies=[public("why")]`; the OpenAPI document says which, and a test
walks every operation of every service to hold each to it (an operation added without an
access decision fails the suite).

A request names its caller with an OAuth 2 bearer token (`steiger.shared.tokens`). Without a
valid one it gets 401 with `WWW-Authenticate`; with a role the route does not admit, 403.
Mentors, team leads and participants are *case roles*: they reach only their own cases. When
the route names a participant (in its path, or through what the path names: a goal, a
meeting), a mentor is admitted for the participants assigned to them, a team lead for those of
their teams' mentors (and for those not assigned yet), a participant for themselves. Each
service decides this locally from the participant service's MentorAssigned events
(`steiger.shared.caseloads`), without asking anyone. Lists that are not about one participant
(search, caseloads) admit the case roles and show only what the caller may see.

The decision is left on `request.state.access` for the audit trail.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Protocol
from uuid import UUID

from fastapi import Depends, Request

from steiger.shared.concurrency import off_the_loop
from steiger.shared.participants import FileRestricted, ParticipantGone, ParticipantState
from steiger.shared.tokens import (
    ON_BEHALF_OF,
    Caller,
    InvalidToken,
    IssuerUnavailable,
    TokenVerifier,
)
from steiger.shared.tracing import current_actor


class Role(StrEnum):
    MENTOR = "mentor"
    TEAM_LEAD = "team-lead"
    PRIVACY_OFFICER = "privacy-officer"
    RESEARCHER = "researcher"
    OPERATOR = "operator"
    ADMINISTRATOR = "administrator"
    PARTICIPANT = "participant"
    PARTNER = "partner"  # a chain partner's client: its own feed and subscriptions
    SERVICE = "service"


CASE_ROLES = frozenset({Role.MENTOR, Role.TEAM_LEAD, Role.PARTICIPANT})
"""Roles that reach a participant's case only when it is theirs."""
EVERYONE = tuple(Role)
"""Any signed-in caller: for reference data (Bridge definitions, the rewards menu)."""
CASEWORK = (Role.MENTOR, Role.TEAM_LEAD)
"""Who works on a case: reads and changes it."""
CASE_READERS = (Role.MENTOR, Role.TEAM_LEAD, Role.PARTICIPANT)
"""Who reads a case: those who work on it, and the participant."""
OUTBOX_READERS = (Role.SERVICE, Role.OPERATOR)


@dataclass(frozen=True)
class Case:
    """Who is responsible for a participant, as this service last heard."""

    mentor_id: UUID | None
    team: str | None = None


class Cases(Protocol):
    """What the door needs of a service's application."""

    def participant_state(self, participant_id: UUID) -> ParticipantState: ...

    def case_of(self, participant_id: UUID) -> Case | None: ...

    def restricted(self, participant_id: UUID) -> bool: ...


WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
"""The methods that change something."""


class Unauthenticated(Exception):
    """Unauthorized"""

    def __init__(self, message: str, token_given: bool) -> None:
        super().__init__(message)
        self.token_given = token_given


class Forbidden(Exception):
    """Forbidden"""


CHALLENGE = 'Bearer realm="steiger"'


def challenge(error: Unauthenticated) -> str:
    """The `WWW-Authenticate` of a 401 (RFC 6750): no token, or one that is not valid."""
    return f'{CHALLENGE}, error="invalid_token"' if error.token_given else CHALLENGE


def reaches(caller: Caller, participant_id: UUID, case: Case | None) -> bool:
    """Whether a case role of the caller reaches this participant's case."""
    roles = caller.roles
    if Role.PARTICIPANT in roles and caller.subject == str(participant_id):
        return True
    mentor_id = case.mentor_id if case else None
    if Role.MENTOR in roles and mentor_id is not None and caller.subject == str(mentor_id):
        return True
    if Role.TEAM_LEAD not in roles:
        return False
    return mentor_id is None or (case is not None and case.team in caller.teams)


ParticipantOf = Callable[[UUID], UUID | None]
"""How a service finds whose case a path names (a goal's participant): None if it does not
know what is named (the route then answers 404)."""


@dataclass
class Decision:
    """What the door decided about a request: for the audit trail."""

    operation: str
    caller: Caller | None = None
    participant_id: UUID | None = None
    refused: str | None = None
    purpose: str | None = None
    on_behalf_of: str | None = None

    def actor(self) -> dict[str, Any]:
        """Who sent the request, as its changes and its audit entry name them (no subject
        when no token was valid)."""
        caller = self.caller
        return {
            "subject": caller.subject if caller else None,
            "roles": sorted(caller.roles) if caller else [],
            "client": caller.client if caller else None,
            "on_behalf_of": self.on_behalf_of,
            "purpose": self.purpose,
        }


PURPOSE_HEADER = "X-Purpose"
PURPOSE = re.compile(r"^[A-Za-z0-9._:/-]{1,100}$")
"""A purpose is a code (`intake`, `reminder:<id>`, `gdpr-art-15`), never free text: it goes
into the audit trail, which holds no personal data."""


class InvalidPurpose(Exception):
    """Invalid input"""

    def __init__(self) -> None:
        message = "a code of letters, digits and . _ : / - (at most 100), never free text"
        super().__init__(f"{PURPOSE_HEADER}: {message}")
        self.problem_extensions = {
            "errors": [{"field": f"header.{PURPOSE_HEADER}", "message": message}]
        }


class Door:
    """One per service: checks tokens and cases for every route's `admits`."""

    def __init__(
        self,
        verifier: TokenVerifier,
        cases: Cases,
        participant_of: Mapping[str, ParticipantOf] | None = None,
        wait_seconds: float = 5.0,
    ) -> None:
        self.verifier = verifier
        self.cases = cases
        self.participant_of = dict(participant_of or {})
        self.wait_seconds = wait_seconds

    async def caller(self, authorization: str | None) -> Caller:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated(
                "send an access token: Authorization: Bearer <token>", token_given=False
            )
        token = token.strip()
        try:
            remembered = self.verifier.remembered(token)
            if remembered is not None:
                return remembered
            # a new token may need the issuer's keys fetched: not on the event loop
            return await off_the_loop(self.verifier.verify, token)
        except InvalidToken as error:
            raise Unauthenticated(str(error), token_given=True) from None

    def participant_named(self, path_params: Mapping[str, Any]) -> UUID | None:
        """The participant whose case the path names, directly or through what it names."""
        for name, value in path_params.items():
            try:
                named = UUID(str(value))
            except ValueError:
                continue  # not an id: the route's own validation answers 422
            if name == "participant_id":
                return named
            if name in self.participant_of:
                return self.participant_of[name](named)
        return None

    async def require_case(self, caller: Caller, participant_id: UUID) -> None:
        """Forbidden unless the caller's case roles reach the participant. A registration
        and its mentor's assignment may still be on their way (a mentor registers a
        participant and at once records a position): an unknown case is waited for as long
        as the service waits for a registration."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.wait_seconds
        while not reaches(caller, participant_id, case := self.cases.case_of(participant_id)):
            known = self.cases.participant_state(participant_id) != "unknown"
            if (known and case is not None) or loop.time() >= deadline:
                raise Forbidden(f"participant {participant_id} is not on your caseload")
            await asyncio.sleep(0.05)

    def check_restriction(self, caller: Caller, participant_id: UUID, method: str) -> None:
        """A restricted file (GDPR art. 18) is not processed: no change, by anyone (409);
        the privacy officer alone may read it (403 for everyone else)."""
        if not self.cases.restricted(participant_id):
            return
        if method in WRITES:
            raise FileRestricted(
                f"the file of participant {participant_id} is restricted (GDPR art. 18): "
                "nothing about them is changed until the restriction is lifted"
            )
        if Role.PRIVACY_OFFICER not in caller.roles:
            raise Forbidden(
                f"the file of participant {participant_id} is restricted (GDPR art. 18): "
                "only the privacy officer may read it"
            )

    def erased(self, participant_id: UUID) -> bool:
        """Whether the participant was erased: then nothing about them is served here, to
        anyone (their case texts are unreadable anyway; `steiger.shared.erasure`)."""
        return self.cases.participant_state(participant_id) == "erased"

    def may_see(self, caller: Caller, participant_id: UUID) -> bool:
        """For lists: whether a row about this participant is the caller's to see."""
        if caller.roles - CASE_ROLES:
            return True
        return reaches(caller, participant_id, self.cases.case_of(participant_id))


@dataclass(frozen=True)
class Admits:
    """A route's access decision (a FastAPI dependency): the caller, once admitted.
    `while_restricted`: the route serves a restricted file as it serves any (the erasure,
    the restriction's own routes)."""

    roles: frozenset[Role]
    while_restricted: bool = False

    async def __call__(self, request: Request) -> Caller:
        door: Door = request.app.state.door
        route = request.scope.get("route")
        decision = Decision(f"{request.method} {getattr(route, 'path_format', request.url.path)}")
        request.state.access = decision
        purpose = request.headers.get(PURPOSE_HEADER)
        if purpose is not None and not PURPOSE.match(purpose):
            decision.refused = "InvalidPurpose"
            raise InvalidPurpose
        decision.purpose = purpose
        try:
            decision.caller = caller = await door.caller(request.headers.get("authorization"))
            if Role.SERVICE in caller.roles:  # a service names whom it asks for
                decision.on_behalf_of = (request.headers.get(ON_BEHALF_OF) or "")[:100] or None
            roles = caller.roles & self.roles
            if not roles:
                raise Forbidden(f"this needs one of the roles {', '.join(sorted(self.roles))}")
            participant_id = door.participant_named(request.path_params)
            # whose trail a privacy officer reads (`/audit?participant=`) is recorded too
            decision.participant_id = participant_id or as_uuid(
                request.query_params.get("participant")
            )
            if participant_id is not None and not roles - CASE_ROLES:
                await door.require_case(caller, participant_id)
            if participant_id is not None and door.erased(participant_id):
                raise ParticipantGone(f"participant {participant_id} was erased")
            if participant_id is not None and not self.while_restricted:
                door.check_restriction(caller, participant_id, request.method)
            current_actor.set(decision.actor())
        except (Unauthenticated, Forbidden, IssuerUnavailable) as refusal:
            decision.refused = type(refusal).__name__
            raise
        return caller


def as_uuid(value: str | None) -> UUID | None:
    """The id a text names, or None (a token's subject need not be one)."""
    try:
        return UUID(value) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Public:
    """A route that needs no token, and why (`/health`; a calendar feed whose secret is its
    address)."""

    why: str

    async def __call__(self) -> None:
        return None


def admits(*roles: Role, while_restricted: bool = False) -> Any:
    """`dependencies=[admits(...)]`: the roles a route admits."""
    return Depends(Admits(frozenset(roles), while_restricted))


def public(why: str) -> Any:
    return Depends(Public(why))


def caller_of(request: Request) -> Caller:
    """The admitted caller of a request (after `admits`)."""
    decision: Decision = request.state.access
    assert decision.caller is not None, "the route has no `admits`"
    return decision.caller


async def _current_caller(request: Request) -> Caller:
    return caller_of(request)


CurrentCaller = Annotated[Caller, Depends(_current_caller)]
"""A route's parameter for its admitted caller (the route `admits` them first)."""


def oversees(caller: Caller, mentor_id: UUID, team: str | None) -> bool:
    """Whether the caller may see a mentor's caseload: their own, or their team's."""
    if Role.MENTOR in caller.roles and caller.subject == str(mentor_id):
        return True
    return Role.TEAM_LEAD in caller.roles and team is not None and team in caller.teams


async def require_case(request: Request, participant_id: UUID) -> None:
    """For a participant named in a request's body (a group's new member): the same
    decision as for one named in its path."""
    caller = caller_of(request)
    if not caller.roles - CASE_ROLES:
        await request.app.state.door.require_case(caller, participant_id)


def may_see(request: Request) -> Callable[[UUID], bool]:
    """For lists: whether a row about a participant is the caller's to see."""
    door: Door = request.app.state.door
    caller = caller_of(request)
    return lambda participant_id: door.may_see(caller, participant_id)


def visible(request: Request, rows: Iterable[Any], key: str = "participant_id") -> list[Any]:
    """The rows of a list the caller may see (rows are dicts with a participant id)."""
    seen = may_see(request)
    return [row for row in rows if seen(UUID(str(row[key])))]


def subject_access_route(held: type) -> dict[str, Any]:
    """How every service offers its part of a subject access export (GDPR art. 15) at
    `GET /participants/{participant_id}/subject-access`: to the participant service, which
    gathers the parts, and to the privacy officer; a restricted file too. `held`: the
    service's model of its part."""
    return {
        "summary": "Subject access (GDPR art. 15): everything this service holds about them",
        "tags": ["privacy"],
        "response_model": held,
        "dependencies": [admits(Role.SERVICE, Role.PRIVACY_OFFICER, while_restricted=True)],
    }
