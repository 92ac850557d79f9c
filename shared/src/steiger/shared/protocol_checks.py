"""Python 3.11 works out a runtime-checkable protocol's members again on every isinstance()
check; 3.12 works them out once per class. eventsourcing checks its protocols
(`CanMutateProtocol`, `CollectEventsProtocol`, ...) several times for every event it stores
or replays, so on 3.11 those checks were a noticeable share of each service's CPU
(docs/benchmarks.md, "Measurements behind the code"). This backports 3.12's
behaviour to 3.11: a protocol's members are remembered per class, as they are from 3.12 on.
"""

from __future__ import annotations

import functools
import sys
import typing


def remember_protocol_members() -> None:
    """Idempotent; does nothing on Python 3.12 and later."""
    if sys.version_info >= (3, 12):
        return
    members_of = typing._get_protocol_attrs  # type: ignore[attr-defined]
    if not hasattr(members_of, "cache_info"):
        typing._get_protocol_attrs = functools.cache(members_of)  # type: ignore[attr-defined]
