"""A cached aggregate is handed out as a private copy: a command that changes it and then
fails (or is never saved) leaves the cache, and so every later reader, untouched. The copy
shares values, never containers, except where the aggregate says how it is copied: records
and entries it never changes in place (it replaces them) are shared."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import pickle
import uuid
from decimal import Decimal

from eventsourcing.persistence import Tracking

from steiger.bridge.definitions import load_definitions
from steiger.bridge.domain.record import BridgeRecord
from steiger.bridge.settings import Settings as BridgeSettings
from steiger.notifications.domain.notifications import ParticipantNotifications
from steiger.reporting.application import ReportingApplication
from steiger.reporting.domain.progress import Progress
from steiger.shared.contracts.bridge import PositionRecorded
from steiger.shared.copying import VALUES, private_copy

AT = dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC)


def recorded(participant, step, at):
    return PositionRecorded(
        participant_id=participant,
        assessment_id=uuid.uuid4(),
        definition_id="nl-alphen",
        definition_version="2017-09-07",
        column="debts",
        step=step,
        points=step,
        assessed_at=at,
    )


def test_changing_a_copy_never_changes_the_cached_aggregate():
    app = ReportingApplication({"AGGREGATE_CACHE_MAXSIZE": "100"})
    p = uuid.uuid4()
    app.process_event(recorded(p, 1, AT), Tracking("bridge#0", 1))
    first = app.repository.get(Progress.create_id(p))
    first.note_position("debts", 5, 5, "nl", AT + dt.timedelta(days=1))  # never saved
    first.note_position_corrected("debts", 4, 4, AT)  # nor a correction of the entry

    again = app.repository.get(Progress.create_id(p))
    assert again is not first
    assert again.positions["debts"] == [
        {"step": 1, "points": 1, "definition": "nl-alphen@2017-09-07", "assessed_at": AT}
    ]
    assert again.version == 2 and not again.collect_events()

    # a stored change still reaches the cached aggregate
    app.process_event(recorded(p, 2, AT + dt.timedelta(days=2)), Tracking("bridge#0", 2))
    latest = app.repository.get(Progress.create_id(p))
    assert [e["step"] for e in latest.positions["debts"]] == [1, 2]


# -- the copy itself: equal state, no container shared with the original ----------------------


def containers(value, found=None):
    """id -> object of every mutable container reachable from `value`."""
    found = {} if found is None else found
    if type(value) in VALUES or id(value) in found:
        return found
    if isinstance(value, dict):
        found[id(value)] = value
        for v in value.values():
            containers(v, found)
    elif isinstance(value, (list, set)):
        found[id(value)] = value
        for v in value:
            containers(v, found)
    elif isinstance(value, tuple):
        for v in value:
            containers(v, found)
    elif "__deepcopy__" in vars(type(value)):
        return found  # it says how it is copied: a record never changed in place is shared
    elif getattr(getattr(value, "__dataclass_params__", None), "frozen", False):
        for v in vars(value).values():  # frozen: itself shared, but not what it holds
            containers(v, found)
    elif hasattr(value, "__dict__"):
        found[id(value)] = value
        containers(vars(value), found)
    return found


def assert_private(original, twin):
    assert type(twin) is type(original) and vars(twin) == vars(original)
    shared = containers(original).keys() & containers(twin).keys()
    assert not shared, [type(containers(original)[i]).__name__ for i in shared]


def rich_progress():
    p = Progress(uuid.uuid4())
    p.note_profile("debt-help", "2026-01", "Alphen aan den Rijn", AT, "Noord", None)
    for day in range(6):
        p.note_position("debts", 1 + day % 5, 1 + day % 5, "nl", AT + dt.timedelta(days=day))
    p.note_position_corrected("debts", 3, 3, AT)
    goal, action = uuid.uuid4(), uuid.uuid4()
    p.note_goal(goal, "short", "debts", 3, AT)
    p.note_action_planned(action, goal, dt.date(2026, 12, 1), AT)
    p.note_action_completed(action, goal, dt.date(2026, 12, 1), AT, True)
    reward = uuid.uuid4()
    p.note_reward(reward, "digid-applied", Decimal("20.00"), "EUR", AT)
    p.note_reward_reversed(reward, AT)
    p.note_consent("partner-sharing", "schuldhulp", ["bridge", "goals"], dt.date(2026, 1, 5))
    p.note_status("paused", None, dt.date(2026, 2, 1))
    p.note_mentor(uuid.uuid4(), dt.date(2026, 1, 5))
    p.note_meeting(uuid.uuid4(), dt.date(2026, 1, 20), 10, 35)
    p.collect_events()
    return p


def rich_notifications():
    owner = ParticipantNotifications(uuid.uuid4())
    action = uuid.uuid4()
    owner.schedule(
        "action-reminder", action, [AT, AT + dt.timedelta(days=1)], AT + dt.timedelta(days=2),
        {"due_on": "2026-12-01", "amount": Decimal("5.00")},
    )  # fmt: skip
    first, second = list(owner.notifications)
    owner.attempt_failed(first, "email", "mailbox full", AT + dt.timedelta(hours=1))
    owner.sent(second, "sms", AT)
    owner.action_on_agenda(action, uuid.uuid4(), dt.date(2026, 12, 1))
    owner.meeting_on_agenda(uuid.uuid4(), AT)
    owner.collect_events()
    return owner


def test_a_private_copy_shares_no_container_with_the_original():
    # (reporting's progress copies itself, sharing its entries: tested on its own below)
    original = rich_notifications()
    assert_private(original, private_copy(original))


def test_notification_records_are_shared_and_a_change_to_a_copy_replaces_its_own():
    original = rich_notifications()
    first, second = list(original.notifications)
    before = dict(original.notifications)
    twin = private_copy(original)
    assert all(twin.notifications[n] is original.notifications[n] for n in (first, second))

    twin.sent(first, "email", AT + dt.timedelta(hours=1))  # never saved
    twin.schedule("reward-earned", uuid.uuid4(), [AT], AT + dt.timedelta(days=3), {})

    assert original.notifications == before and len(twin.notifications) == 3
    assert original.notifications[first].status == "pending"
    assert [h["what"] for h in original.notifications[first].history] == ["attempt failed"]
    assert twin.notifications[first].status == "sent" and twin.notifications[first].attempts == 2


def test_progress_copies_its_dicts_and_lists_and_shares_the_entries_in_them():
    original = rich_progress()
    twin = private_copy(original)
    assert vars(twin) == vars(original)
    for name, value in vars(original).items():
        if type(value) in (dict, list):
            assert vars(twin)[name] is not value, name
    assert all(twin.actions[a] is original.actions[a] for a in original.actions)
    assert twin.positions["debts"] is original.positions["debts"]  # replaced, never appended


def test_every_change_to_a_copy_of_progress_leaves_the_original_as_it_was():
    original = rich_progress()
    planned = uuid.uuid4()
    original.note_action_planned(planned, uuid.uuid4(), dt.date(2026, 12, 8), AT)
    original.collect_events()
    before = pickle.loads(pickle.dumps(vars(original)))  # copy.deepcopy would share entries
    twin = private_copy(original)
    goal, done, reward = (
        next(iter(original.goals)),
        next(iter(original.actions)),
        next(iter(original.rewards)),
    )
    meeting = next(iter(original.meetings))
    later = AT + dt.timedelta(days=30)
    changes = [
        ("note_profile", ("work", "2026-02", "Leiden", later)),
        ("note_position", ("debts", 5, 5, "nl", later)),  # the newest
        ("note_position", ("debts", 2, 2, "nl", AT - dt.timedelta(days=1))),  # sorted in
        ("note_position_corrected", ("debts", 4, 4, AT)),
        ("note_goal", (uuid.UUID(goal), "long", "income", 5, later)),
        ("note_goal_closed", (uuid.UUID(goal), "achieved", later.date())),
        ("note_action_planned", (uuid.UUID(done), uuid.UUID(goal), later.date(), later)),
        ("note_action_completed", (uuid.UUID(done), uuid.UUID(goal), later.date(), later, False)),
        ("note_action_rescheduled", (planned, later.date())),
        ("note_action_closed", (planned, "cancelled", later)),
        ("note_reward", (uuid.UUID(reward), "other", Decimal("1.00"), "EUR", later)),
        ("note_reward_reversed", (uuid.UUID(reward), later)),
        ("note_consent", ("research", None, ["bridge"], later.date())),
        ("note_consent_withdrawn", ("partner-sharing", "schuldhulp", later.date())),
        ("note_status", ("active", None, later.date())),
        ("note_mentor", (uuid.uuid4(), later.date())),
        ("note_meeting", (uuid.UUID(meeting), later.date(), 0, 45)),
        ("note_outcomes", (str(uuid.uuid4()), {"employed": True}, later)),
    ]
    for method, args in changes:
        getattr(twin, method)(*args)

    assert vars(original) == before
    assert (
        vars(twin) != before
        and len(twin.positions["debts"]) == len(before["positions"]["debts"]) + 2
    )
    state_changes = {n for n, m in vars(Progress).items() if hasattr(m, "decorated_func")}
    assert {method for method, _ in changes} == state_changes - {"__init__"}  # each of them


def rich_bridge_record():
    record = BridgeRecord(uuid.uuid4())
    definition = load_definitions(BridgeSettings().definitions_dir)[("nl-alphen", "2017-09-07")]
    for day in range(3):
        record.record_assessment(
            uuid.uuid4(), definition, {"debts": 1 + day, "income": 2}, AT, "mentor", None
        )
    record.collect_events()
    return record


def test_a_bridge_record_is_copied_privately_and_its_positions_are_shared():
    original = rich_bridge_record()
    twin = private_copy(original)
    assert_private(original, twin)
    assert twin.positions[0] is original.positions[0]  # frozen, and values only: shared


@dataclasses.dataclass(frozen=True)
class Frozen:
    at: dt.datetime
    label: str
    tags: object = None


class Colour(enum.Enum):
    RED = "red"


@dataclasses.dataclass(frozen=True, slots=True)
class FrozenWithSlots:
    label: str
    tags: object = None


def test_a_frozen_record_is_shared_only_while_it_holds_values_only():
    of_values = Frozen(AT, "a")
    assert private_copy(of_values) is of_values
    with_an_enum = Frozen(AT, "c", Colour.RED)
    assert private_copy(with_an_enum) is with_an_enum
    slotted = FrozenWithSlots("d")
    assert private_copy(slotted) is slotted
    slotted_list = FrozenWithSlots("e", ["x"])
    assert private_copy(slotted_list) is not slotted_list
    assert private_copy(slotted_list).tags is not slotted_list.tags
    holding_a_list = Frozen(AT, "b", ["x"])
    twin = private_copy(holding_a_list)
    assert twin == holding_a_list and twin is not holding_a_list
    assert twin.tags is not holding_a_list.tags


def test_what_the_copy_does_not_know_is_deep_copied():
    class Bag:  # neither a value, a container, a dataclass nor an aggregate
        def __init__(self):
            self.items = [{"n": 1}]

    original = {"bag": Bag(), "frozen": frozenset({1, 2}), "pair": ([1], 2)}
    twin = private_copy(original)
    assert twin["bag"] is not original["bag"] and twin["bag"].items == [{"n": 1}]
    assert twin["bag"].items is not original["bag"].items
    assert twin["pair"][0] is not original["pair"][0]
