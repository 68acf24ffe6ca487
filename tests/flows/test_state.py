"""``State.with_`` copies the fields directly (faster than ``dataclasses.replace``): it must make
exactly what ``replace`` makes, and refuse what ``replace`` refuses. Options read back from JSON
are shared between states (they are immutable)."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError, replace

import pytest

from flows.protocol import DynamicChoice
from flows.state import State
from flows.text import Text


def test_a_copy_with_changes_equals_replace_and_leaves_the_original_alone() -> None:
    state = State(form_id="ktp", answers={"nik": "3371"}, warning=(Text("a", "b"),))
    copy = state.with_(seq=3, answers={"nik": "3372"}, phase="summary")
    assert copy == replace(state, seq=3, answers={"nik": "3372"}, phase="summary")
    assert type(copy) is State
    assert (state.seq, state.answers, state.phase) == (0, {"nik": "3371"}, "asking")
    assert state.with_() == state
    with pytest.raises(FrozenInstanceError):
        copy.seq = 4  # type: ignore[misc]


def test_an_unknown_field_is_refused() -> None:
    with pytest.raises(TypeError, match="sequence"):
        State(form_id="ktp").with_(sequence=1)


def test_loaded_options_survive_json_and_are_shared_between_states() -> None:
    days = (
        DynamicChoice("2026-12-07", Text("Senin, 7 Des (30 tempat)", "Monday, 7 Dec (30 places)")),
        DynamicChoice("2026-12-08", Text("Selasa, 8 Des (penuh)", "Tuesday, 8 Dec (full)"), False),
    )
    state = State(form_id="ktp", choices={"hari": days})
    first = State.from_json(json.loads(json.dumps(state.to_json())))
    second = State.from_json(json.loads(json.dumps(state.to_json())))
    assert first == state == second
    assert first.choices["hari"][1].enabled is False
    # Immutable options read back from two saved states are the same objects, not copies.
    assert all(a is b for a, b in zip(first.choices["hari"], second.choices["hari"], strict=True))
    with pytest.raises(FrozenInstanceError):
        first.choices["hari"][0].value = "2026-12-09"  # type: ignore[misc]
