"""``State.with_`` copies the fields directly (faster than ``dataclasses.replace``): it must make
exactly what ``replace`` makes, and refuse what ``replace`` refuses."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, replace

import pytest

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
