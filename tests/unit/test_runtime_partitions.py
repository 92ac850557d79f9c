"""`steiger run` creates the topics with the partitions the services read: the same default,
and STEIGER_KAFKA_PARTITIONS when it is set (it used to create four whatever was set)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from steiger.cli.runtime import System
from steiger.planning.settings import Settings


def system() -> System:
    return System(var_dir=Path("var"), broker=None, bootstrap_servers="127.0.0.1:9092")


def test_the_runtime_and_the_services_agree_on_the_default(monkeypatch):
    monkeypatch.delenv("STEIGER_KAFKA_PARTITIONS", raising=False)
    assert system().partitions == Settings().kafka_partitions == 2


def test_the_runtime_uses_the_configured_partitions(monkeypatch):
    monkeypatch.setenv("STEIGER_KAFKA_PARTITIONS", "12")
    assert system().partitions == Settings().kafka_partitions == 12


def test_a_partition_count_the_services_would_refuse_is_refused_here_too(monkeypatch):
    monkeypatch.setenv("STEIGER_KAFKA_PARTITIONS", "0")
    with pytest.raises(ValidationError, match="STEIGER_KAFKA_PARTITIONS"):
        system()
    with pytest.raises(ValidationError, match="STEIGER_KAFKA_PARTITIONS"):
        Settings()
