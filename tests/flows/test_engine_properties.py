"""Properties of flows.engine over random conversations with the real forms (hypothesis).

A conversation is a list of abstract actions (answer well, tap the n-th button, type random text,
press an old button, back / skip / cancel, upload, share a contact, send a sticker, come back,
switch language, restart from the saved JSON). Each is turned into an event against the state
at that moment, so shrinking keeps failures readable. After every step:

(a) ``step`` did not raise, and the citizen got at least one reply with sane HTML and buttons;
(b) the state survives a JSON round trip unchanged;
(c) no accepted answer is lost: each one is still there unless the same question was answered
    again, the citizen removed that group item or said "no more" at that group's "add another?"
    question, or the form was cancelled;
(d) from a state asking a question that is not the first, *back* and then re-giving the previous
    answer as it is (Keep) comes back to the same state, apart from the button numbering
    (``seq``) and the counter of failed attempts (which counts attempts in a row). Not checked
    while options of a multiple choice are ticked but not confirmed (not an answer yet); and
    after "change my answer" at a NIK warning, the same data brings the warning back first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows import engine
from flows import validators as V
from flows.definition import Form, QType, Question
from flows.protocol import Reply, SubmitFailed, Submitted, Tap
from flows.state import MORE, Path, State
from flows.text import Text
from tests.flows.driver import TODAY, Driver, reloaded
from tests.flows.forms_for_tests import (
    KK_NUMBER,
    NIK_CHILD_2015,
    NIK_MAN_1985,
    NIK_WOMAN_1990,
    NIK_WOMAN_2010,
    REAL_CHOICES,
    REAL_FORMS,
    real_form,
)

GOOD: dict[str, list[str]] = {
    "text": ["Magelang", "Jl. <b>Pemuda</b> & {n} 5", "SD"],
    "name": ["siti aminah", "Budi Santoso", "PUTRI AYU LESTARI"],
    "date": ["17-08-1990", "12 Maret 1985", "17-08-2010", "28-11-2026", "29-02-2012"],
    "nik": [NIK_MAN_1985, NIK_WOMAN_1990, NIK_WOMAN_2010, NIK_CHILD_2015],
    "kk": [KK_NUMBER],
    "phone": ["0812-3456-7890", "+62 813 1111 2222"],
    "email": ["budi@contoh.com", "ayu@contoh.com"],
    "number": ["3", "12"],
    "temperature": ["36,5", "37.9"],
}
"""Valid typed answers for each type that is typed."""

TYPED = st.one_of(
    st.sampled_from([v for values in GOOD.values() for v in values]),
    st.sampled_from(
        ["ya", "tidak", "1", "2", "3", "1,3", "kirim", "send", "", "  ", "²", "٣", "<i>x</i>"]
    ),
    st.text(max_size=40),
)
MIMES = ["image/jpeg", "image/png", "application/pdf", "text/plain", "", "video/mp4"]
PHONES = ["+6281234567890", "6281234567890", "+12025550100", "abc", ""]

_KINDS: list[tuple[int, st.SearchStrategy[tuple[Any, ...]]]] = [
    # (weight, actions): mostly answers that go forward, so conversations get far
    (55, st.tuples(st.just("good"), st.integers(0, 30))),
    (7, st.tuples(st.just("tap"), st.integers(0, 30))),
    (8, st.tuples(st.just("type"), TYPED)),
    (5, st.tuples(st.just("stale"), st.integers(0, 200))),
    (7, st.tuples(st.just("command"), st.sampled_from(["back", "back", "skip", "cancel"]))),
    (3, st.tuples(st.just("upload"), st.sampled_from(MIMES), st.integers(0, 8 * 1024 * 1024))),
    (2, st.tuples(st.just("contact"), st.sampled_from(PHONES))),
    (2, st.tuples(st.just("other"), st.sampled_from(["sticker", "voice", "location"]))),
    (3, st.tuples(st.just("resume"))),
    (3, st.tuples(st.just("restart"))),
    (5, st.tuples(st.just("lang"), st.sampled_from(["id", "en"]))),
]


def _kind(n: int) -> st.SearchStrategy[tuple[Any, ...]]:
    for weight, strategy in _KINDS:
        if n < weight:
            return strategy
        n -= weight
    raise AssertionError(n)  # pragma: no cover - n is below the sum of the weights


ACTION = st.integers(0, sum(w for w, _ in _KINDS) - 1).flatmap(_kind)
"""One action, drawn by weight (shrinks towards "good")."""
CONVERSATIONS = st.lists(ACTION, min_size=20, max_size=80)

PROPERTY_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_TAG = re.compile(r"<(/?)([^>\s]*)[^>]*>")
NAV_ACTIONS = {"back", "cancel", "skip"}


def submit_outcome(form: Form) -> Any:
    """Refuse the first submission (the day filled up, or a busy system), accept the next."""
    calls: list[int] = []

    def submit(_answers: dict[str, Any]) -> Submitted | SubmitFailed:
        calls.append(1)
        if len(calls) % 2 == 1:
            path = ("day",) if form.service else None
            return SubmitFailed(Text("Penuh.", "Full."), path)
        return Submitted(f"R-{len(calls)}")

    return submit


def flat(state: State) -> dict[Path, Any]:
    """Every answer by path: ``(qid,)`` at the top, ``(group, i, qid)`` inside a group."""
    out: dict[Path, Any] = {}
    for key, value in state.answers.items():
        if isinstance(value, list) and all(isinstance(v, dict) for v in value) and value:
            for i, item in enumerate(value):
                for sub, v in item.items():
                    out[(key, i, sub)] = v
        else:
            out[(key,)] = value
    return out


def current_type(form: Form, state: State) -> QType | None:
    if state.phase != "asking" or state.path is None or state.path[-1] == MORE:
        return None
    return engine.question_at(form, state.path).type


def good_event(drv: Driver, n: int) -> None:
    """Answer what is asked now in a way that is likely to be accepted."""
    qtype = current_type(drv.form, drv.state)
    if qtype is not None and qtype.value in GOOD:
        values = GOOD[qtype.value]
        drv.type(values[n % len(values)])
        return
    if qtype is QType.FILE:
        drv.upload("image/jpeg", 1000 + n, f"foto{n}.jpg")
        return
    buttons = [b for b in drv.buttons() if b.data.partition(":")[2] not in NAV_ACTIONS]
    phase = drv.state.phase
    if phase == "summary" and n % 3 == 0:
        drv.tap_action("submit")
    elif phase == "confirm_cancel" and n % 8:
        drv.tap_action("cx:n")
    elif phase == "confirm_warning" and n % 4:
        drv.tap_action("w:ok")
    elif buttons:
        drv.send(Tap(buttons[n % len(buttons)].data))
    else:
        drv.send(Tap(drv.buttons()[n % len(drv.buttons())].data))


def act(drv: Driver, action: tuple[Any, ...]) -> None:
    kind = action[0]
    if kind == "good":
        if drv.replies and any(r.buttons for r in drv.replies):
            good_event(drv, action[1])
        else:
            drv.resume()
    elif kind == "tap":
        buttons = drv.buttons() if any(r.buttons for r in drv.replies) else []
        if buttons:
            drv.send(Tap(buttons[action[1] % len(buttons)].data))
        else:
            drv.resume()
    elif kind == "type":
        drv.type(action[1])
    elif kind == "stale":
        old = [b.data for r in drv.replies for b in r.button_list()]
        n = action[1]
        data = old[n % len(old)] if old and n % 5 else f"{drv.state.seq - 1}:c:0"
        drv.send(Tap(data))
    elif kind == "command":
        drv.command(action[1])
    elif kind == "upload":
        drv.upload(action[1], action[2], "berkas")
    elif kind == "contact":
        drv.contact(action[1])
    elif kind == "other":
        drv.other(action[1])
    elif kind == "resume":
        drv.resume()
    elif kind == "restart":
        drv.state = reloaded(drv.state)
        drv.resume()
    elif kind == "lang":
        drv.set_lang(action[1])
    else:  # pragma: no cover - a new kind of action needs handling here
        raise AssertionError(kind)


def check_reply(reply: Reply) -> None:
    """Only <b> and <i>, balanced; button data fits Telegram's 64 bytes."""
    opened: list[str] = []
    for closing, name in _TAG.findall(reply.text):
        assert name in {"b", "i"}, f"tag <{name}> in {reply.text!r}"
        if closing:
            assert opened, reply.text
            assert opened.pop() == name, reply.text
        else:
            opened.append(name)
    assert not opened, reply.text
    for button in reply.button_list():
        assert button.label.strip()
        assert len(button.data.encode()) <= 64


def check_round_trip(state: State) -> None:
    saved = json.loads(json.dumps(state.to_json()))
    again = State.from_json(saved)
    assert again == state
    assert again.to_json() == saved


def check_nothing_lost(before: State, after: State) -> None:
    old, new = flat(before), flat(after)
    if after.phase == "cancelled":
        return
    for path, value in old.items():
        if path in new and new[path] == value:
            continue
        if path in new and before.phase == "asking" and before.path == path:
            continue  # answered again
        at = before.path
        if (
            len(path) == 3
            and before.phase == "asking"
            and at is not None
            and at[-1] == MORE
            and at[0] == path[0]
            and int(path[1]) >= len(after.answers.get(str(path[0])) or [])
        ):
            continue  # the item was removed, or "no more" said before it
        raise AssertionError(f"the answer at {path} ({value!r}) was lost: {new.get(path)!r}")


def nik_disagrees(form: Form, state: State) -> bool:
    """Whether a NIK given disagrees with the birth date or sex given with it."""
    scopes: list[tuple[tuple[Question, ...], dict[str, Any]]] = [
        (form.questions, dict(state.answers))
    ]
    for q in form.questions:
        if q.is_group:
            scopes += [
                (q.questions, {**state.answers, **item}) for item in state.answers.get(q.id) or []
            ]
    for questions, answers in scopes:
        for q in questions:
            check = q.nik_check
            if check is None or not answers.get(q.id):
                continue
            born = answers.get(check.birth_date or "")
            sex = answers.get(check.sex or "")
            found = V.nik_mismatches(
                V.parse_nik(answers[q.id], today=TODAY),
                birth_date=date.fromisoformat(born) if born else None,
                sex=sex if sex in {"L", "P"} else None,
            )
            if found:
                return True
    return False


def same_but_numbering(a: State, b: State) -> bool:
    return a.with_(seq=0, failures=0) == b.with_(seq=0, failures=0)


def check_back_then_keep(drv: Driver) -> None:
    """(d): back, then the previous answer as it is, lands on the same state."""
    state = drv.state
    if state.phase != "asking" or state.path is None:
        return
    _present, stored = engine.value_at(state.answers, state.path)
    if current_type(drv.form, state) is QType.MULTI and state.selection != tuple(stored or ()):
        return  # options ticked or unticked but not confirmed yet: not an answer
    layout = engine.positions(drv.form, state.answers, drv.today)
    if state.path not in layout or layout.index(state.path) == 0:
        return
    probe = Driver(
        drv.form,
        today=drv.today,
        choices=drv.choices,
        submit=lambda _a: Submitted("X"),
        state=state,
    )
    probe.command("back")
    back_at = probe.state.path
    assert back_at == layout[layout.index(state.path) - 1]
    assert flat(probe.state) == flat(state)
    actions = {b.data.partition(":")[2] for b in probe.buttons()}
    present, _value = engine.value_at(state.answers, back_at)
    if "keep" in actions:
        probe.tap_action("keep")
    elif back_at[-1] == MORE and present:
        probe.tap_action("g:n")  # "no more" was the answer; no Keep for it
    elif engine.question_at(drv.form, back_at).type is QType.MULTI and "m:done" in actions:
        probe.tap_action("m:done")  # the earlier choices come back ticked
    else:
        assert not present, f"no way to keep the answer at {back_at}"
        return
    if probe.state.phase == "confirm_warning":
        # The citizen chose "change my answer" at a NIK warning and has not answered since:
        # keeping the same data brings the same warning back first.
        assert nik_disagrees(drv.form, state)
        return
    assert same_but_numbering(probe.state, state), (probe.state, state)


def conversation(form_id: str, actions: list[tuple[Any, ...]]) -> Iterator[Driver]:
    """Play ``actions``; yield the driver after each, checking (a), (b) and (c)."""
    form = real_form(form_id)
    drv = Driver(form, choices=REAL_CHOICES, submit=submit_outcome(form))
    check_round_trip(drv.state)
    for action in actions:
        before = drv.state
        act(drv, action)  # (a): raises if the engine does
        assert drv.last, f"no reply to {action!r}"
        for reply in drv.last:
            check_reply(reply)
        check_round_trip(drv.state)  # (b)
        check_nothing_lost(before, drv.state)  # (c)
        yield drv


@pytest.mark.parametrize("form_id", REAL_FORMS)
@PROPERTY_SETTINGS
@given(actions=CONVERSATIONS)
def test_random_conversations_keep_the_invariants(
    form_id: str, actions: list[tuple[Any, ...]]
) -> None:
    for drv in conversation(form_id, actions):
        check_back_then_keep(drv)  # (d)
