"""Properties of the scoring model, over generated assessments."""

from __future__ import annotations

import datetime as dt
import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from steiger.bridge.definitions import load_definitions
from steiger.bridge.domain.record import Position
from steiger.bridge.domain.scoring import score_history

EMPATH = load_definitions()[("empath", "2019")]
COLUMNS = [c.id for c in EMPATH.columns]
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

assessment = st.dictionaries(st.sampled_from(COLUMNS), st.integers(1, 5), min_size=1)


def positions_of(assessments: list[dict[str, int]]) -> list[Position]:
    positions = []
    for n, steps in enumerate(assessments):
        aid = uuid.uuid4()
        positions += [
            Position(
                aid,
                "empath",
                "2019",
                column,
                step,
                EMPATH.column(column).step(step).points,
                T0 + dt.timedelta(days=30 * n),
            )
            for column, step in steps.items()
        ]
    return positions


@settings(max_examples=150, deadline=None)
@given(st.lists(assessment, min_size=1, max_size=6))
def test_every_total_is_the_sum_of_its_pillars_and_of_its_columns(assessments):
    history = score_history(positions_of(assessments), EMPATH)
    for point in history["timeline"]:
        assert point["total"] == sum(point["pillars"].values())
        assert point["total"] == sum(c["points"] for c in point["columns"].values())
    change = history["change_since_intake"]
    assert change["total"] == history["latest"]["total"] - history["intake"]["total"]


@settings(max_examples=100, deadline=None)
@given(st.lists(assessment, min_size=1, max_size=5))
def test_recording_the_same_positions_again_changes_no_score(assessments):
    once = score_history(positions_of(assessments), EMPATH)
    again = score_history(positions_of([*assessments, assessments[-1]]), EMPATH)
    assert again["latest"]["columns"] == once["latest"]["columns"]
    assert again["latest"]["total"] == once["latest"]["total"]
    assert again["change_since_previous"]["total"] == 0
    assert again["change_since_intake"] == once["change_since_intake"]
