"""Case texts are stored sealed with the participant's key of the service, read back while the
key exists, unreadable in every copy once it is destroyed, and never sealed again for an
erased participant: on real SQLite and PostgreSQL stores, across a restart of the service."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from steiger.bridge.domain.case_texts import CASE_TEXTS as BRIDGE
from steiger.participant.domain.case_texts import CASE_TEXTS as PARTICIPANT
from steiger.planning.application import PlanningApplication
from steiger.planning.domain.case_texts import CASE_TEXTS as PLANNING
from steiger.planning.domain.goal import Goal
from steiger.planning.settings import Settings
from steiger.rewards.domain.case_texts import CASE_TEXTS as REWARDS
from steiger.shared.keystore import SQLiteKeyStore
from steiger.shared.participants import ParticipantGone
from steiger.shared.sealing import ERASED_TEXT, CaseTexts, Vault

from ..participant.test_erasure import raw_postgres_text

TITLE = "Schuld bij Ondulaatbank aflossen"
REFLECTION = "Het hielp dat Ikarusbuur meeging"


def raw_bytes(var_dir: Path, env: dict[str, str]) -> bytes:
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        return raw_postgres_text(env).encode()
    return b"".join(p.read_bytes() for p in var_dir.iterdir() if p.is_file())


def holds(stored: bytes, text: str) -> bool:
    """As text (SQLite's pages) or as hex (PostgreSQL's bytea, dumped)."""
    return text.encode() in stored or text.encode().hex().encode() in stored


def goal_with_texts(app: PlanningApplication, participant_id: uuid.UUID) -> Goal:
    goal = Goal(participant_id, TITLE, "short", "debts", 2, supports=["Tante Ikarusbuur"])
    goal.reflect(REFLECTION, "niets", "veel", True)  # an event without a participant id
    app.save(goal)
    return goal


@pytest.fixture
def open_planning(store_env):
    opened: list[PlanningApplication] = []
    env = store_env(Settings())

    def open_app() -> PlanningApplication:
        app = PlanningApplication(env)
        opened.append(app)
        return app

    open_app.env = env  # type: ignore[attr-defined]
    yield open_app
    for app in opened:
        app.close()


def test_case_texts_are_sealed_in_the_store_and_read_back_while_the_key_exists(
    open_planning, tmp_path
):
    app = open_planning()
    participant_id = uuid.uuid4()
    goal = goal_with_texts(app, participant_id)

    stored = raw_bytes(tmp_path, open_planning.env)
    assert not holds(stored, TITLE) and not holds(stored, "Ikarusbuur")
    assert holds(stored, '"short"') and holds(stored, '"debts"')  # the rest stays, for counts
    again = open_planning().find(goal.id, Goal)
    assert again.title == TITLE and again.supports == ["Tante Ikarusbuur"]
    assert again.reflections[0]["what_worked"] == REFLECTION


def test_once_forgotten_the_texts_read_as_erased_and_nothing_new_is_sealed(open_planning):
    app = open_planning()
    participant_id, other = uuid.uuid4(), uuid.uuid4()
    goal = goal_with_texts(app, participant_id)
    kept = goal_with_texts(app, other)

    app.forget(participant_id)
    app.forget(participant_id)  # a redelivered erasure changes nothing

    for reader in (app, open_planning()):  # the cache forgot it; a restart reads it so too
        erased = reader.find(goal.id, Goal)
        assert erased.title == ERASED_TEXT and erased.supports == [ERASED_TEXT]
        assert erased.column == "debts" and erased.target_step == 2
        assert reader.erased(participant_id) and not reader.erased(other)
        assert reader.find(kept.id, Goal).title == TITLE
    with pytest.raises(ParticipantGone):
        app.save(Goal(participant_id, "Nieuw doel", "short", "debts", 3))


def test_texts_recorded_later_in_a_goal_s_life_go_with_the_erasure_too(open_planning):
    app = open_planning()
    participant_id = uuid.uuid4()
    goal = goal_with_texts(app, participant_id)
    goal.discontinue(dt.date(2026, 11, 28), "Gestopt om Ikarusbuur", None)
    app.save(goal)
    app.forget(participant_id)
    assert open_planning().find(goal.id, Goal).discontinued["reason"] == ERASED_TEXT


@pytest.mark.parametrize(
    "declared", [PLANNING, BRIDGE, REWARDS, PARTICIPANT], ids=lambda d: next(iter(d)).__module__
)
def test_every_declared_case_text_is_a_field_of_its_event(declared: dict[type, Any]):
    for event_class, fields in declared.items():
        if callable(fields):  # named by the event itself: asked for every status it may have
            named = [fields(SimpleNamespace(status=s)) for s in ("active", "paused", "exited")]
            fields = set().union(*named)
            assert fields, event_class
        assert set(fields) <= set(event_class.__annotations__), event_class


def test_on_a_shared_store_a_key_another_process_destroyed_is_seen_as_erased(tmp_path):
    """Two replicas of a service on one key store (as on PostgreSQL): the one that did not
    hear of the erasure still answers that the participant is erased."""
    store = SQLiteKeyStore(tmp_path / "keys.sqlite")
    master = os.urandom(32)
    here, there = (
        CaseTexts(Vault(master, "planning"), store, single_writer=False) for _ in range(2)
    )
    participant_id = uuid.uuid4()
    sealed = here.seal(participant_id, {"title": TITLE})
    assert here.open(participant_id, sealed) == {"title": TITLE} and not here.erased(participant_id)
    there.forget(participant_id)
    assert here.erased(participant_id)
    assert here.open(participant_id, sealed) == {"title": ERASED_TEXT}
    store.close()
