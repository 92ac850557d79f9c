"""The HTTP adapters behind the dispatcher's lookups, against a real local HTTP server: what
each answer of the participant service means for a send, and planning's words falling back
to none when planning cannot answer."""

from __future__ import annotations

import socket
import uuid
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

from steiger.notifications.channels import DeliveryError
from steiger.notifications.lookups import ParticipantDirectory, PlanningDetails
from steiger.shared.tokens import ServiceCredentials

from ..access import session_issuer
from .servers import http_server

PARTICIPANT = uuid.uuid4()


def unused_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def test_an_address_is_asked_for_one_channel_with_the_services_own_token_and_why():
    issuer = session_issuer()
    secret = issuer.client_secret("steiger-notifications")
    credentials = ServiceCredentials(issuer.url, "steiger-notifications", secret)
    with http_server() as server:
        server.answers = [(200, {"channel": "email", "address": "d@example.nl"})]
        directory = ParticipantDirectory(server.url, credentials=credentials)
        found = directory.address(PARTICIPANT, "email", "notification:n1")
    assert found == "d@example.nl"
    asked = urlsplit(server.requests[0].path)
    assert asked.path == f"/participants/{PARTICIPANT}/contact/email"
    assert parse_qs(asked.query) == {"purpose": ["notification:n1"]}
    # who asks is the token's subject: the service's client, with the service role
    token = server.requests[0].headers["Authorization"].removeprefix("Bearer ")
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["sub"] == "steiger-notifications"
    assert claims["realm_access"]["roles"] == ["service"]


@pytest.mark.parametrize("status", [404, 409, 422])
def test_unknown_or_opted_out_means_no_address_on_that_channel(status):
    with http_server() as server:
        server.answers = [(status, {"title": "no"})]
        assert ParticipantDirectory(server.url).address(PARTICIPANT, "sms", "x") is None


def test_an_erased_participant_is_a_permanent_failure():
    with http_server() as server:
        server.answers = [(410, {"title": "erased"})]
        with pytest.raises(DeliveryError) as failure:
            ParticipantDirectory(server.url).address(PARTICIPANT, "email", "x")
    assert failure.value.permanent


def test_a_failing_or_unreachable_participant_service_is_a_failure_to_retry():
    with http_server() as server:
        server.answers = [(503, {"title": "busy"})]
        with pytest.raises(DeliveryError, match="HTTP 503") as failure:
            ParticipantDirectory(server.url).address(PARTICIPANT, "email", "x")
    assert not failure.value.permanent
    with pytest.raises(DeliveryError, match="unavailable") as failure:
        ParticipantDirectory(unused_url(), timeout=2).address(PARTICIPANT, "email", "x")
    assert not failure.value.permanent


def test_planning_words_are_read_and_fall_back_to_none_when_planning_cannot_answer():
    goal = uuid.uuid4()
    with http_server() as server:
        server.answers = [(200, {"goal_id": str(goal), "title": "Werk vinden"}), (404, {})]
        details = PlanningDetails(server.url)
        assert details.goal(goal) == {"goal_id": str(goal), "title": "Werk vinden"}
        assert details.meeting(uuid.uuid4()) is None
    assert server.requests[0].path == f"/goals/{goal}"
    unreachable = PlanningDetails(unused_url(), timeout=2)
    assert unreachable.goal(goal) is None
    assert unreachable.goals_of(PARTICIPANT) == []
