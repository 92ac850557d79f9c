"""Remembering protocol members (Python 3.11) keeps isinstance() answers as they were."""

from __future__ import annotations

import sys
import typing
from typing import Protocol, runtime_checkable

import pytest

from steiger.shared import eventstore  # noqa: F401  (applies it, as every service does)
from steiger.shared.internals import remember_protocol_members


@runtime_checkable
class Named(Protocol):
    name: str

    def rename(self, name: str) -> None: ...


class Person:
    def __init__(self) -> None:
        self.name = "Anna"

    def rename(self, name: str) -> None:
        self.name = name


class Nameless:
    def rename(self, name: str) -> None: ...


class Silent:
    def __init__(self) -> None:
        self.name = "Bo"

    rename = None


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="3.12 remembers them itself")
def test_the_store_module_makes_python_3_11_remember_protocol_members() -> None:
    assert hasattr(typing._get_protocol_attrs, "cache_info")  # type: ignore[attr-defined]
    remember_protocol_members()  # a second time changes nothing
    assert not hasattr(typing._get_protocol_attrs.__wrapped__, "cache_info")  # type: ignore[attr-defined]


def test_isinstance_answers_as_before_also_when_asked_again() -> None:
    for _ in range(2):
        assert isinstance(Person(), Named)
        assert not isinstance(Nameless(), Named)  # a data member is missing
        assert not isinstance(Silent(), Named)  # a method blocked with None
