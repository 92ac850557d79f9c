"""The library internals Steiger relies on (steiger.shared.internals), pinned: an upgrade
that changes them fails here, loudly, before it fails in production."""

from __future__ import annotations

import importlib.metadata

import aiokafka.client

import steiger.shared.kafka  # noqa: F401  (applies the changes, as every service does)


def test_aiokafka_is_the_version_whose_metadata_requests_were_read():
    assert importlib.metadata.version("aiokafka") == "0.14.0"


def test_clients_never_ask_the_broker_to_make_a_topic():
    from aiokafka.protocol import metadata

    versions = [getattr(metadata, n) for n in dir(metadata) if n.startswith("MetadataRequest_v")]
    newest = max(versions, key=lambda version: version.API_VERSION)
    assert newest.API_VERSION >= 4  # the versions that carry allow_auto_topic_creation
    request = aiokafka.client.MetadataRequest(["steiger.planning.events.v1"])
    assert request.build(newest).allow_auto_topic_creation is False
