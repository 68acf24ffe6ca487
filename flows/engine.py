"""The conversation engine: ``step(form, state, event) -> (state, replies, effects)``, pure.

How it finds its way: the questions that apply, given the answers so far, are laid out in order
by ``positions`` (a repeated group contributes its items' sub-questions and an "add another?"
question after each item). The current question is a path into that list. Answering moves to
the next position; *back* moves to the previous one; an edit from the summary moves on only to
questions that have no answer yet (those a changed answer made relevant), then returns to the
summary. Because positions are derived from the answers, there is no history to get out of
step: back-then-the-same-answer lands exactly where the citizen was.

Nothing here raises on citizen input: bad answers become a specific message and the question
is asked again; the hypothesis tests hold the engine to that.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from flows import messages as M
from flows import validators as V
from flows.definition import Condition, Form, QType, Question
from flows.protocol import (
    Button,
    ChoicesLoaded,
    Closed,
    Command,
    ContactIn,
    DynamicChoice,
    Effect,
    Event,
    FileIn,
    LoadChoices,
    OfferHelp,
    OtherIn,
    Reply,
    ReplyKind,
    Resume,
    SetLang,
    Start,
    Submit,
    SubmitFailed,
    Submitted,
    Tap,
    TextIn,
)
from flows.state import MORE, Path, Phase, State, path_key
from flows.text import Invalid, Lang, Text

HELP_AFTER_FAILURES: Final = 3
"""Rejected answers in a row after which the citizen is offered a person."""
TEXT_MAX: Final = 300


@dataclass(frozen=True, slots=True)
class Step:
    """The outcome of one step: the new state, what to show, and what to carry out."""

    state: State
    replies: tuple[Reply, ...] = ()
    effects: tuple[Effect, ...] = ()


def start(form: Form, *, lang: Lang, today: date) -> Step:
    """Begin ``form``: its intro, then the first question."""
    return step(form, State(form_id=form.id, lang=lang), Start(), today=today)


def step(form: Form, state: State, event: Event, *, today: date) -> Step:
    """Apply one event to the state of ``form``; never raises on anything a citizen can send."""
    run = _Run(form, state, today)
    run.handle(event)
    return Step(run.state, tuple(run.replies), tuple(run.effects))


# --- layout of the form -------------------------------------------------------------------------


def question_at(form: Form, path: Path) -> Question:
    """The question a path points at (for a group's "add another?" path: the group)."""
    top = form.question(str(path[0]))
    if len(path) == 3 and path[2] != MORE:
        return top.sub(str(path[2]))
    return top


def _lookup(answers: Mapping[str, Any], path: Path) -> Callable[[str], tuple[bool, Any]]:
    """Answers visible from ``path``: its group item's first, then the top level."""
    item: Mapping[str, Any] = {}
    if len(path) == 3:
        items = answers.get(str(path[0])) or []
        idx = int(path[1])
        if 0 <= idx < len(items):
            item = items[idx]

    def get(qid: str) -> tuple[bool, Any]:
        if qid in item:
            return True, item[qid]
        if qid in answers:
            return True, answers[qid]
        return False, None

    return get


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def evaluate(cond: Condition, get: Callable[[str], tuple[bool, Any]], today: date) -> bool:
    """Whether ``cond`` holds. A comparison on an unanswered (or skipped) question is false,
    except ``answered: false``."""
    if cond.all_ is not None:
        return all(evaluate(c, get, today) for c in cond.all_)
    if cond.any_ is not None:
        return any(evaluate(c, get, today) for c in cond.any_)
    if cond.not_ is not None:
        return not evaluate(cond.not_, get, today)
    present, value = get(str(cond.question))
    has = present and value is not None
    if cond.answered is not None:
        return has == cond.answered
    if not has:
        return False
    try:
        if cond.equals is not None:
            return bool(value == cond.equals)
        if cond.not_equals is not None:
            return bool(value != cond.not_equals)
        if cond.in_ is not None:
            return value in cond.in_
        if cond.not_in is not None:
            return value not in cond.not_in
        if cond.contains is not None:
            return isinstance(value, list) and cond.contains in value
        if cond.age_under is not None:
            return _age(date.fromisoformat(value), today) < cond.age_under
        if cond.age_at_least is not None:
            return _age(date.fromisoformat(value), today) >= cond.age_at_least
        number = float(value)
    except (TypeError, ValueError):
        return False
    if cond.gt is not None:
        return number > cond.gt
    if cond.gte is not None:
        return number >= cond.gte
    if cond.lt is not None:
        return number < cond.lt
    if cond.lte is not None:
        return number <= cond.lte
    return False  # pragma: no cover - the definition model guarantees one operator


def applies(q: Question, answers: Mapping[str, Any], path: Path, today: date) -> bool:
    """Whether question ``q`` at ``path`` applies given the answers so far."""
    return q.when is None or evaluate(q.when, _lookup(answers, path), today)


def positions(form: Form, answers: Mapping[str, Any], today: date) -> list[Path]:
    """Every position that applies, in order; ends at the first ``stop`` that applies."""
    out: list[Path] = []
    for q in form.questions:
        if not applies(q, answers, (q.id,), today):
            continue
        if q.type is QType.STOP:
            out.append((q.id,))
            return out
        if not q.is_group:
            out.append((q.id,))
            continue
        items = answers.get(q.id) or []
        count = len(items)
        shown = count or min(q.min_items, 1)
        for i in range(shown):
            out.extend(
                (q.id, i, sub.id)
                for sub in q.questions
                if applies(sub, answers, (q.id, i, sub.id), today)
            )
            if i + 1 >= q.min_items and i + 1 < q.max_items:
                out.append((q.id, i + 1, MORE))
            elif i + 1 < q.min_items and i + 1 == count:
                # the next required item is not started yet: its questions come next
                out.extend(
                    (q.id, i + 1, sub.id)
                    for sub in q.questions
                    if applies(sub, answers, (q.id, i + 1, sub.id), today)
                )
                break
        if shown == 0:
            out.append((q.id, 0, MORE))
    return out


def value_at(answers: Mapping[str, Any], path: Path) -> tuple[bool, Any]:
    """Whether ``path`` has an answer, and the answer (``None`` when skipped)."""
    if len(path) == 1:
        key = str(path[0])
        return (key in answers), answers.get(key)
    items = answers.get(str(path[0])) or []
    idx = int(path[1])
    if path[2] == MORE:
        return True, idx < len(items)
    if idx >= len(items):
        return False, None
    item = items[idx]
    return (str(path[2]) in item), item.get(str(path[2]))


def with_answer(answers: Mapping[str, Any], path: Path, value: Any) -> dict[str, Any]:
    """A copy of ``answers`` with ``value`` at ``path`` (creating the group item if needed)."""
    new = dict(answers)
    if len(path) == 1:
        new[str(path[0])] = value
        return new
    gid, idx, sub = str(path[0]), int(path[1]), str(path[2])
    items = [dict(i) for i in new.get(gid) or []]
    while len(items) <= idx:
        items.append({})
    items[idx][sub] = value
    new[gid] = items
    return new


def summary_rows(form: Form, state: State, *, today: date) -> list[tuple[Path, str, str]]:
    """The summary's rows: position, label and the answer as shown, in the state's language."""
    return _Run(form, state, today).summary_entries()


def submission_answers(form: Form, answers: Mapping[str, Any], today: date) -> dict[str, Any]:
    """The answers of questions that apply, as sent on confirmation (skipped ones as ``None``)."""
    out: dict[str, Any] = {}
    for path in positions(form, answers, today):
        present, value = value_at(answers, path)
        q = question_at(form, path)
        if q.type is QType.STOP or path[-1] == MORE or not present:
            continue
        if len(path) == 1:
            out[q.id] = value
        else:
            gid, idx = str(path[0]), int(path[1])
            items = out.setdefault(gid, [])
            while len(items) <= idx:
                items.append({})
            items[idx][q.id] = value
    return out


# --- one step ---------------------------------------------------------------------------------

_TEMPLATE = re.compile(r"\{([a-z][a-z0-9_]*)(?:\|plus_years:(\d{1,3}))?\}")


class _Run:
    """One step's working copy: the state as it changes, and what was said and requested."""

    def __init__(self, form: Form, state: State, today: date) -> None:
        self.form = form
        self.state = state
        self.today = today
        self.replies: list[Reply] = []
        self.effects: list[Effect] = []
        self._layout: list[Path] = []
        self._layout_of: Mapping[str, Any] | None = None

    # --- helpers --------------------------------------------------------------------------

    @property
    def lang(self) -> Lang:
        return self.state.lang

    def t(self, text: Text, **params: object) -> str:
        """``text`` in the citizen's language, as plain text (for button labels)."""
        return text.get(self.lang).format(**params) if params else text.get(self.lang)

    def h(self, text: Text, **params: object) -> str:
        """``text`` in the citizen's language, escaped for the HTML of a message."""
        escaped = {k: _escape(str(v)) for k, v in params.items()}
        return _escape(text.get(self.lang)).format(**escaped) if params else _escape(self.t(text))

    def say(
        self,
        text: str,
        *,
        kind: ReplyKind = "info",
        buttons: Sequence[Sequence[Button]] = (),
        expects: str | None = None,
    ) -> None:
        rows = tuple(tuple(r) for r in buttons if r)
        self.replies.append(Reply(text=text, buttons=rows, kind=kind, expects=expects))

    def btn(self, label: str, action: str) -> Button:
        return Button(label=label, data=f"{self.state.seq}:{action}")

    def set(self, **changes: Any) -> None:
        self.state = self.state.with_(**changes)

    def layout(self) -> list[Path]:
        """The positions for the current answers (not to be changed by the caller).

        Kept while the answers stay the same object: a step asked for them two to four times,
        at about 29 µs each. Answers are never changed in place (``with_answer`` makes a new
        mapping), so the same object means the same answers.
        """
        answers = self.state.answers
        if self._layout_of is not answers:
            self._layout = positions(self.form, answers, self.today)
            self._layout_of = answers
        return self._layout

    def question(self, path: Path) -> Question:
        return question_at(self.form, path)

    # --- dispatch -------------------------------------------------------------------------

    def handle(self, event: Event) -> None:
        self.repair()
        st = self.state
        if isinstance(event, Start):
            if st.path is None and st.phase == "asking" and not st.answers:
                self.say("<b>" + self.h(self.form.title) + "</b>\n\n" + self.h(self.form.intro))
                self.advance(None)
            else:
                self.resume(None)
            return
        if isinstance(event, SetLang):
            self.set(lang=event.lang)
            self.resume(None)
            return
        if isinstance(event, Resume):
            self.resume(event.notice)
            return
        if isinstance(event, ChoicesLoaded):
            self.on_choices(event)
            return
        if isinstance(event, Submitted | SubmitFailed):
            self.on_submit_outcome(event)
            return
        if st.finished:
            self.say(self.h(M.FINISHED))
            return
        if isinstance(event, Command):
            self.on_command(event)
            return
        if isinstance(event, Tap):
            self.on_tap(event)
            return
        phase = st.phase
        if phase == "asking":
            self.on_answer_input(event)
        elif phase == "summary":
            self.on_summary_text(event)
        elif phase == "confirm_cancel":
            self.on_yes_no_text(event, self.cancel_yes, self.cancel_no)
        elif phase == "confirm_warning":
            self.on_yes_no_text(event, self.warning_ok, self.warning_fix)
        elif phase == "submitting":
            self.say(self.h(M.WAITING))
        else:  # stopped, loading
            self.resume(None)

    def repair(self) -> None:
        """A saved path the form no longer has (its file was edited since): ask what is open."""
        path = self.state.path
        if path is None:
            return
        try:
            self.question(path)
        except (KeyError, ValueError, IndexError):
            phase: Phase = self.state.phase
            keep = phase in {"submitted", "cancelled", "submitting"}
            self.set(path=None, editing=True, phase=phase if keep else "asking")

    # --- showing ----------------------------------------------------------------------------

    def resume(self, notice: Text | None) -> None:
        prefix = self.h(notice) + "\n\n" if notice is not None else ""
        phase = self.state.phase
        if self.state.finished:
            self.say(prefix + self.h(M.FINISHED))
        elif phase == "summary":
            self.show_summary(prefix)
        elif phase == "confirm_cancel":
            self.ask_cancel(prefix)
        elif phase == "confirm_warning":
            self.ask_warning(prefix)
        elif phase == "submitting":
            self.say(prefix + self.h(M.WAITING))
        elif self.state.path is None:
            self.advance(None, prefix=prefix)
        else:
            self.goto(self.state.path, prefix=prefix, keep_failures=True)

    def goto(self, path: Path, *, prefix: str = "", keep_failures: bool = False) -> None:
        """Make ``path`` the current position and show it (or load its options first)."""
        q = self.question(path)
        changes: dict[str, Any] = {"path": path, "phase": "asking"}
        if self.state.resume_at is not None:
            layout = self.layout()
            if path not in layout or self.state.resume_at not in layout[layout.index(path) + 1 :]:
                changes["resume_at"] = None  # moved past it another way (an item removed)
        if not keep_failures or path != self.state.path:
            changes["failures"] = 0
            present, value = value_at(self.state.answers, path)
            changes["selection"] = (
                tuple(value) if q.type is QType.MULTI and present and value else ()
            )
        self.set(**changes)
        if q.type is QType.STOP:
            self.set(phase="stopped", seq=self.state.seq + 1)
            text = prefix + self.render_template(q.message or q.label, path)
            self.say(
                text + "\n\n" + self.h(M.STOPPED_BACK),
                kind="done",
                buttons=[[self.btn(self.t(M.BACK), "back")]],
            )
            return
        if q.choices_from and path[-1] != MORE:
            self.set(phase="loading")
            self.effects.append(
                LoadChoices(
                    path=path,
                    source=q.choices_from,
                    answers=submission_answers(self.form, self.state.answers, self.today),
                )
            )
            if prefix:
                self.say(prefix.strip())
            return
        self.ask(prefix)

    def ask(self, prefix: str = "", *, error: str | None = None, bump: bool = True) -> None:
        """Show the current question; with ``error`` (HTML), the error and the question in short.

        ``bump`` numbers it as a new question (older buttons stop working); an error or a
        ticked option keeps the number, so the buttons already on screen still work.
        """
        path = self.state.path
        assert path is not None  # noqa: S101 - invariant: asking has a path
        if error is None and bump:
            self.set(seq=self.state.seq + 1)
        q = self.question(path)
        if path[-1] == MORE:
            self.ask_more(q, path, prefix, error)
            return
        lines: list[str] = []
        layout = self.layout()
        if error is not None:
            lines.append(error)
            lines.append("")
        else:
            top_ids = list(dict.fromkeys(str(p[0]) for p in layout))
            n = top_ids.index(str(path[0])) + 1 if str(path[0]) in top_ids else 1
            lines.append("<i>" + self.h(M.STEP, n=n, total=len(top_ids)) + "</i>")
        if len(path) == 3:
            group = self.form.question(str(path[0]))
            group_label = self.h(group.item_label or group.label, n=int(path[1]) + 1)
            if error is None:
                lines.append("<i>" + group_label + "</i>")
        label = self.render_template(q.label, path)
        if not q.required:
            label += " " + self.h(M.OPTIONAL)
        lines.append("<b>" + label + "</b>")
        if error is None:
            if q.hint is not None:
                lines.append(self.render_template(q.hint, path))
            if q.example is not None:
                lines.append(self.h(M.EXAMPLE, example=self.t(q.example)))
            if q.type is QType.MULTI:
                lines.append(self.h(M.MULTI_HINT))
        present, value = value_at(self.state.answers, path)
        rows: list[list[Button]] = self.answer_buttons(q, path)
        if present and q.type is not QType.STOP:
            shown = self.display(q, value, path)
            if error is None:
                lines.append(self.h(M.CURRENT, value=shown))
            if q.type is not QType.MULTI and self.keep_problem(q, path, value) is None:
                rows.append([self.btn(self.t(M.KEEP, value=_short(shown)), "keep")])
        nav = []
        if layout and layout[0] != path:
            nav.append(self.btn(self.t(M.BACK), "back"))
        if not q.required:
            nav.append(self.btn(self.t(M.SKIP), "skip"))
        nav.append(self.btn(self.t(M.CANCEL), "cancel"))
        rows.append(nav)
        expects = "file" if q.type is QType.FILE else str(q.type)
        self.say(
            prefix + "\n".join(lines),
            kind="error" if error is not None else "question",
            buttons=rows,
            expects=expects,
        )

    def ask_more(self, group: Question, path: Path, prefix: str, error: str | None) -> None:
        count = len(self.state.answers.get(group.id) or [])
        idx = int(path[1])
        lines = [error, ""] if error is not None else []
        if idx >= 1 and error is None:
            done_label = self.t(group.item_label or group.label, n=idx)
            lines.append(self.h(M.GROUP_ITEM_DONE, item=done_label))
        lines.append("<b>" + self.h(group.add_more or group.label, n=idx + 1) + "</b>")
        rows = [[self.btn(self.t(M.ADD_ANOTHER), "g:y"), self.btn(self.t(M.NO_MORE), "g:n")]]
        if count > idx:
            rows.append([self.btn(self.t(M.KEEP, value=self.t(M.YES)), "keep")])
        if count > group.min_items and count >= 1:
            last = self.t(group.item_label or group.label, n=count)
            rows.append([self.btn(self.t(M.REMOVE_LAST, item=last), "g:rm")])
        rows.append([self.btn(self.t(M.BACK), "back"), self.btn(self.t(M.CANCEL), "cancel")])
        self.say(
            prefix + "\n".join(lines),
            kind="error" if error else "question",
            buttons=rows,
            expects="yes_no",
        )

    def answer_buttons(self, q: Question, path: Path) -> list[list[Button]]:
        t = q.type
        if t in {QType.CHOICE, QType.MULTI, QType.DAY}:
            opts = self.options(q, path)
            buttons: list[Button] = []
            for i, opt in enumerate(opts):
                label = self.t(opt.label)
                if t is QType.MULTI:
                    mark = "☑️ " if opt.value in self.state.selection else "▫️ "
                    buttons.append(self.btn(mark + label, f"m:{i}"))
                elif not opt.enabled:
                    buttons.append(self.btn(f"{label} — {self.t(M.FULL)}", f"x:{i}"))
                else:
                    buttons.append(self.btn(label, f"c:{i}"))
            cols = q.columns
            rows = [buttons[i : i + cols] for i in range(0, len(buttons), cols)]
            if t is QType.MULTI:
                rows.append([self.btn(self.t(M.DONE_SELECTING), "m:done")])
            return rows
        if t is QType.YES_NO:
            return [[self.btn(self.t(M.YES), "y"), self.btn(self.t(M.NO), "n")]]
        if t is QType.CONSENT:
            return [[self.btn(self.t(M.AGREE), "y")], [self.btn(self.t(M.DISAGREE), "n")]]
        return []

    def keep_problem(self, q: Question, path: Path, value: Any) -> Text | None:
        """Why an earlier answer cannot be kept (its day filled up, its option is gone), if so."""
        if q.type not in {QType.CHOICE, QType.DAY} or value is None:
            return None
        opts = self.options(q, path)
        opt = next((o for o in opts if o.value == value), None)
        if opt is None:
            return M.USE_BUTTONS.format(n=len(opts))
        return None if opt.enabled else M.DAY_FULL

    def options(self, q: Question, path: Path) -> tuple[DynamicChoice, ...]:
        if q.choices_from:
            return tuple(self.state.choices.get(path_key(path), ()))
        return tuple(DynamicChoice(c.value, c.label) for c in q.choices)

    def display(self, q: Question, value: Any, path: Path) -> str:
        """An answer as the citizen reads it (summary, "your earlier answer")."""
        if value is None:
            return self.t(M.SKIPPED)
        t = q.type
        try:
            if t is QType.DATE:
                return V.format_date(date.fromisoformat(value), self.lang)
            if t is QType.DAY:
                return V.format_date(date.fromisoformat(value), self.lang, weekday=True)
            if t is QType.CHOICE:
                for opt in self.options(q, path):
                    if opt.value == value:
                        return self.t(opt.label)
                return str(value)
            if t is QType.MULTI:
                labels = {o.value: self.t(o.label) for o in self.options(q, path)}
                return ", ".join(labels.get(v, str(v)) for v in value)
            if t in {QType.YES_NO, QType.CONSENT}:
                return self.t(M.YES if value else M.NO)
            if t is QType.FILE:
                return self.t(M.FILE_SAVED, name=value.get("name") or value.get("mime", ""))
            if t is QType.TEMPERATURE:
                shown = f"{float(value):.1f}"
                return (shown.replace(".", ",") if self.lang == "id" else shown) + " °C"
            if t is QType.NUMBER and q.unit is not None:
                return f"{value} {self.t(q.unit)}"
        except (TypeError, ValueError, AttributeError):
            pass
        return str(value)

    def render_template(self, text: Text, path: Path) -> str:
        """``{question}`` and ``{question|plus_years:N}`` filled with earlier answers."""
        raw = _escape(self.t(text))
        get = _lookup(self.state.answers, path)

        def fill(match: re.Match[str]) -> str:
            qid, years = match.group(1), match.group(2)
            present, value = get(qid)
            if not present or value is None:
                return match.group(0)
            if years is not None:
                try:
                    born = date.fromisoformat(value)
                    return V.format_date(_plus_years(born, int(years)), self.lang)
                except (TypeError, ValueError):
                    return match.group(0)
            q = self._find(qid, path)
            return _escape(self.display(q, value, path) if q is not None else str(value))

        return _TEMPLATE.sub(fill, raw)

    def _find(self, qid: str, path: Path) -> Question | None:
        if len(path) == 3:
            group = self.form.question(str(path[0]))
            for sub in group.questions:
                if sub.id == qid:
                    return sub
        for q in self.form.questions:
            if q.id == qid:
                return q
        return None

    # --- moving -----------------------------------------------------------------------------

    def advance(self, after: Path | None, *, prefix: str = "") -> None:
        """Go to the question after ``after`` (the first, for ``None``), or to the summary."""
        layout = self.layout()
        target: Path | None = None
        walk_to: Path | None = None
        if after is None:
            target = layout[0] if layout else None
            if self.state.editing:
                target = next((p for p in layout if _open(self.state.answers, p)), None)
        elif after in layout:
            rest = layout[layout.index(after) + 1 :]
            if self.state.editing and self.state.resume_at in rest:
                # went back during an edit: forward again, one by one, to where that started
                target = rest[0]
                walk_to = self.state.resume_at if target != self.state.resume_at else None
            elif self.state.editing:
                target = next((p for p in rest if _open(self.state.answers, p)), None)
            else:
                target = rest[0] if rest else None
        else:
            target = next((p for p in layout if _open(self.state.answers, p)), None)
        if self.state.resume_at != walk_to:
            self.set(resume_at=walk_to)
        if target is None:
            self.set(editing=False)
            self.show_summary(prefix)
        else:
            self.goto(target, prefix=prefix)

    def accept(self, path: Path, value: Any) -> None:
        """Record an accepted answer and move on (via a NIK warning when one is due)."""
        self.set(answers=with_answer(self.state.answers, path, value), failures=0, selection=())
        pending = self.nik_warning(path)
        if pending is not None:
            self.set(phase="confirm_warning", warning=pending[1])
            self.ask_warning("")
            return
        self.advance(path)

    def reject(self, problem: Text) -> None:
        failures = self.state.failures + 1
        self.set(failures=failures)
        text = self.h(problem)
        if failures >= HELP_AFTER_FAILURES:
            text += "\n\n" + self.h(M.NEED_HELP)
            if failures == HELP_AFTER_FAILURES and self.state.path is not None:
                self.effects.append(OfferHelp(path=self.state.path, failures=failures))
        self.ask(error=text)

    def go_back(self) -> None:
        layout = self.layout()
        path = self.state.path
        if self.state.phase == "summary" or path is None:
            if layout:
                self.set(editing=False)
                self.goto(layout[-1])
            return
        if path in layout:
            idx = layout.index(path)
            if idx == 0:
                self.say(self.h(M.NO_BACK))
                self.goto(path, keep_failures=True)
                return
            if self.state.editing and self.state.resume_at not in layout[idx:]:
                self.set(resume_at=path)  # unless going back further from an earlier back
            self.goto(layout[idx - 1])
            return
        self.advance(None)

    # --- commands and taps ------------------------------------------------------------------

    def on_command(self, cmd: Command) -> None:
        phase = self.state.phase
        if cmd.name == "cancel":
            if phase == "confirm_cancel":
                self.ask_cancel("")
                return
            if phase == "submitting":
                self.say(self.h(M.WAITING))
                return
            self.set(return_phase=phase, phase="confirm_cancel")
            self.ask_cancel("")
            return
        if phase == "confirm_cancel":
            self.cancel_no()
            return
        if phase == "submitting":
            self.say(self.h(M.WAITING))
            return
        if phase == "confirm_warning":
            self.warning_fix()
            return
        if cmd.name == "back":
            self.go_back()
            return
        # skip
        if phase != "asking" or self.state.path is None:
            self.resume(None)
            return
        path = self.state.path
        q = self.question(path)
        if path[-1] == MORE:
            self.more_no(path)
        elif q.required:
            self.reject(M.CANNOT_SKIP)
        else:
            self.accept(path, None)

    def on_tap(self, tap: Tap) -> None:
        seq, _, action = tap.data.partition(":")
        if seq != str(self.state.seq) or not action:
            self.resume(M.STALE_BUTTON)
            return
        phase = self.state.phase
        if action == "cancel":
            self.on_command(Command("cancel"))
        elif action == "back":
            self.on_command(Command("back"))
        elif phase == "confirm_cancel":
            self.cancel_yes() if action == "cx:y" else self.cancel_no()
        elif phase == "confirm_warning":
            self.warning_ok() if action == "w:ok" else self.warning_fix()
        elif phase == "summary":
            self.on_summary_tap(action)
        elif phase == "asking" and self.state.path is not None:
            self.on_answer_tap(self.state.path, action)
        else:
            self.resume(M.STALE_BUTTON)

    def on_answer_tap(self, path: Path, action: str) -> None:
        q = self.question(path)
        if action == "skip":
            self.on_command(Command("skip"))
            return
        if action == "keep":
            present, value = value_at(self.state.answers, path)
            if path[-1] == MORE:
                self.more_yes(path)
            elif not present:
                self.resume(M.STALE_BUTTON)
            elif (problem := self.keep_problem(q, path, value)) is not None:
                self.reject(problem)
            else:
                self.accept(path, value)
            return
        if path[-1] == MORE:
            if action == "g:y":
                self.more_yes(path)
            elif action == "g:n":
                self.more_no(path)
            elif action == "g:rm":
                self.more_remove(path)
            else:
                self.resume(M.STALE_BUTTON)
            return
        kind, _, arg = action.partition(":")
        opts = self.options(q, path)
        if q.type in {QType.YES_NO, QType.CONSENT} and action in {"y", "n"}:
            self.accept_yes_no(q, path, action == "y")
        elif kind == "c" and q.type in {QType.CHOICE, QType.DAY} and _index(arg, opts):
            self.accept(path, opts[int(arg)].value)
        elif kind == "x" and q.type is QType.DAY:
            self.reject(M.DAY_FULL)
        elif kind == "m" and q.type is QType.MULTI:
            if arg == "done":
                self.finish_multi(q, path)
            elif _index(arg, opts):
                value = opts[int(arg)].value
                sel = list(self.state.selection)
                sel.remove(value) if value in sel else sel.append(value)
                order = [o.value for o in opts]
                self.set(selection=tuple(sorted(sel, key=order.index)))
                self.ask(bump=False)
            else:
                self.resume(M.STALE_BUTTON)
        else:
            self.resume(M.STALE_BUTTON)

    def on_summary_tap(self, action: str) -> None:
        if action == "submit":
            self.submit()
            return
        kind, _, arg = action.partition(":")
        entries = self.summary_entries()
        n = _whole(arg)
        if kind == "e" and n is not None and n < len(entries):
            self.set(editing=True)
            self.goto(entries[n][0])
            return
        self.resume(M.STALE_BUTTON)

    # --- typed input ------------------------------------------------------------------------

    def on_answer_input(self, event: Event) -> None:
        path = self.state.path
        if path is None:
            self.advance(None)
            return
        q = self.question(path)
        if path[-1] == MORE:
            if isinstance(event, TextIn):
                try:
                    wants = V.parse_yes_no(event.text)
                except Invalid:
                    self.reject(M.YES_NO_ONLY)
                    return
                self.more_yes(path) if wants else self.more_no(path)
            else:
                self.reject(M.YES_NO_ONLY)
            return
        if isinstance(event, FileIn):
            self.on_file(q, path, event)
            return
        if isinstance(event, ContactIn):
            if q.type is QType.PHONE:
                self.on_text(q, path, event.phone)
            else:
                self.reject(M.CONTACT_NOT_HERE)
            return
        if isinstance(event, OtherIn):
            self.reject(M.SEND_FILE if q.type is QType.FILE else M.UNUSABLE)
            return
        if isinstance(event, TextIn):
            self.on_text(q, path, event.text)
            return
        self.resume(None)

    def on_file(self, q: Question, path: Path, f: FileIn) -> None:
        if q.type is not QType.FILE:
            self.reject(M.NOT_FILE_QUESTION)
            return
        if not _mime_ok(f.mime, q.accept):
            accepted = ", ".join(_describe_mime(m) for m in q.accept)
            self.reject(M.FILE_TYPE.format(mime=f.mime or "?", accepted=accepted))
            return
        limit = q.max_size_mb * 1024 * 1024
        if f.size > limit:
            self.reject(M.FILE_SIZE.format(size=_mb(f.size), limit=_mb(int(limit))))
            return
        self.accept(path, {"ref": f.ref, "mime": f.mime, "size": f.size, "name": f.name})

    def on_text(self, q: Question, path: Path, raw: str) -> None:
        text = raw.strip()
        if not text:
            self.reject(M.EMPTY)
            return
        t = q.type
        try:
            value: Any
            if t in {QType.CHOICE, QType.DAY}:
                opts = self.options(q, path)
                opt = _match_option(text, opts, self.lang)
                if opt is None:
                    self.reject(M.USE_BUTTONS.format(n=len(opts)))
                    return
                if not opt.enabled:
                    self.reject(M.DAY_FULL)
                    return
                value = opt.value
            elif t is QType.MULTI:
                picked = _match_many(text, self.options(q, path), self.lang)
                if picked is None:
                    self.reject(M.USE_BUTTONS.format(n=len(self.options(q, path))))
                    return
                if not picked and q.required:
                    self.reject(M.MULTI_NONE)
                    return
                value = list(picked)
            elif t in {QType.YES_NO, QType.CONSENT}:
                try:
                    yes = V.parse_yes_no(text)
                except Invalid:
                    self.reject(M.YES_NO_ONLY)
                    return
                self.accept_yes_no(q, path, yes)
                return
            elif t is QType.FILE:
                self.reject(M.SEND_FILE)
                return
            else:
                value = self.parse_typed(q, text)
        except Invalid as exc:
            self.reject(exc.message)
            return
        self.accept(path, value)

    def parse_typed(self, q: Question, text: str) -> Any:
        t = q.type
        if t is QType.TEXT:
            if len(text) > TEXT_MAX:
                raise Invalid(M.TOO_LONG.format(n=len(text), limit=TEXT_MAX))
            return " ".join(text.split())
        if t is QType.NAME:
            return V.parse_name(text, new_registration=q.new_registration)
        if t is QType.NUMBER:
            return V.parse_number(text, minimum=q.minimum, maximum=q.maximum, integer=q.integer)
        if t is QType.DATE:
            return V.parse_date(
                text, today=self.today, past_only=q.past_only, future_only=q.future_only
            ).isoformat()
        if t is QType.NIK:
            return V.parse_nik(text, today=self.today).nik
        if t is QType.KK:
            return V.parse_kk(text)
        if t is QType.PHONE:
            return V.parse_phone(text)
        if t is QType.EMAIL:
            return V.parse_email(text)
        if t is QType.TEMPERATURE:
            return V.parse_temperature(text)
        raise Invalid(M.UNUSABLE)  # pragma: no cover - every answerable type is listed above

    def accept_yes_no(self, q: Question, path: Path, yes: bool) -> None:
        if q.type is QType.CONSENT and not yes:
            self.reject(q.refusal or M.CONSENT_REFUSED)
            return
        self.accept(path, yes)

    def finish_multi(self, q: Question, path: Path) -> None:
        if not self.state.selection and q.required:
            self.reject(M.MULTI_NONE)
            return
        self.accept(path, list(self.state.selection))

    # --- groups -----------------------------------------------------------------------------

    def more_yes(self, path: Path) -> None:
        gid, idx = str(path[0]), int(path[1])
        items = [dict(i) for i in self.state.answers.get(gid) or []]
        if len(items) <= idx:
            items.append({})
        self.set(answers={**self.state.answers, gid: items})
        self.advance(path)

    def more_no(self, path: Path) -> None:
        gid, idx = str(path[0]), int(path[1])
        items = list(self.state.answers.get(gid) or [])
        if len(items) > idx:
            self.set(answers={**self.state.answers, gid: items[:idx]})
        self.advance(path)

    def more_remove(self, path: Path) -> None:
        group = self.question(path)
        gid = str(path[0])
        items = list(self.state.answers.get(gid) or [])
        if len(items) <= group.min_items:
            self.resume(M.STALE_BUTTON)
            return
        items.pop()
        self.set(answers={**self.state.answers, gid: items})
        self.goto((gid, len(items), MORE))

    # --- summary and submission -------------------------------------------------------------

    def summary_entries(self) -> list[tuple[Path, str, str]]:
        entries: list[tuple[Path, str, str]] = []
        layout = self.layout()
        for path in layout:
            q = self.question(path)
            if path[-1] == MORE:
                idx = int(path[1])
                count = len(self.state.answers.get(str(path[0])) or [])
                if idx == count:
                    label = self.t(q.label)
                    entries.append((path, label, str(count)))
                continue
            if not q.summary or q.type is QType.STOP:
                continue
            present, value = value_at(self.state.answers, path)
            if not present:
                continue
            label = self.t(q.label)
            if len(path) == 3:
                group = self.form.question(str(path[0]))
                item = self.t(group.item_label or group.label, n=int(path[1]) + 1)
                label = f"{item} · {label}"
            entries.append((path, label, self.display(q, value, path)))
        return entries

    def show_summary(self, prefix: str = "") -> None:
        self.set(phase="summary", path=None, seq=self.state.seq + 1, failures=0, resume_at=None)
        entries = self.summary_entries()
        lines = [prefix + "<b>" + self.h(M.SUMMARY_HEAD) + "</b>", ""]
        for n, (_path, label, shown) in enumerate(entries, start=1):
            lines.append(f"{n}. {_escape(label)}: <b>{_escape(shown)}</b>")
        lines += ["", self.h(M.SUMMARY_FOOT)]
        edit_buttons = [
            self.btn(self.t(M.EDIT, n=n, label=_short(label, 22)), f"e:{n - 1}")
            for n, (_p, label, _s) in enumerate(entries, start=1)
        ]
        rows = [edit_buttons[i : i + 2] for i in range(0, len(edit_buttons), 2)]
        rows.append([self.btn(self.t(M.SUBMIT), "submit")])
        rows.append([self.btn(self.t(M.BACK), "back"), self.btn(self.t(M.CANCEL), "cancel")])
        self.say("\n".join(lines), kind="summary", buttons=rows, expects="summary")

    def on_summary_text(self, event: Event) -> None:
        if isinstance(event, TextIn):
            text = event.text.strip().lower()
            if text in {"kirim", "send", "submit", "ya", "yes", "ok"}:
                self.submit()
                return
            entries = self.summary_entries()
            n = _whole(text)
            if n is not None and 1 <= n <= len(entries):
                self.set(editing=True)
                self.goto(entries[n - 1][0])
                return
        self.resume(None)

    def submit(self) -> None:
        self.set(phase="submitting")
        official = _Run(self.form, self.state.with_(lang="id"), self.today)
        self.effects.append(
            Submit(
                form_id=self.form.id,
                answers=submission_answers(self.form, self.state.answers, self.today),
                service=self.form.service,
                summary=tuple((label, shown) for _p, label, shown in official.summary_entries()),
            )
        )

    def on_submit_outcome(self, event: Submitted | SubmitFailed) -> None:
        if self.state.phase != "submitting":
            self.resume(None)
            return
        if isinstance(event, Submitted):
            self.set(phase="submitted", reference=event.reference, seq=self.state.seq + 1)
            text = self.h(self.form.done, reference=event.reference)
            if event.details is not None:
                text += "\n\n" + self.h(event.details)
            self.say(text, kind="done")
            self.effects.append(Closed("submitted"))
            return
        prefix = self.h(event.reason) + "\n\n"
        if event.actions:
            self.say(self.h(event.reason), kind="error", buttons=event.actions)
            prefix = ""
        if event.path is not None and event.path in self.layout():
            self.set(editing=True)
            self.goto(tuple(event.path), prefix=prefix)
        else:
            self.show_summary(prefix)

    def on_choices(self, event: ChoicesLoaded) -> None:
        if self.state.phase != "loading" or self.state.path != tuple(event.path):
            return
        key = path_key(tuple(event.path))
        self.set(choices={**self.state.choices, key: event.choices}, phase="asking")
        prefix = ""
        if event.notice is not None:
            prefix += self.h(event.notice) + "\n\n"
        if not event.choices or not any(c.enabled for c in event.choices):
            prefix += self.h(M.NO_DAYS) + "\n\n"
        self.ask(prefix)

    # --- cancel and warnings ----------------------------------------------------------------

    def ask_cancel(self, prefix: str) -> None:
        self.set(seq=self.state.seq + 1)
        self.say(
            prefix + self.h(M.CANCEL_ASK),
            buttons=[
                [self.btn(self.t(M.CANCEL_YES), "cx:y"), self.btn(self.t(M.CANCEL_NO), "cx:n")]
            ],
            expects="yes_no",
        )

    def cancel_yes(self) -> None:
        self.set(phase="cancelled", seq=self.state.seq + 1)
        self.say(self.h(M.CANCELLED), kind="done")
        self.effects.append(Closed("cancelled"))

    def cancel_no(self) -> None:
        back: Phase = self.state.return_phase
        if back in {"confirm_cancel", "submitting", "loading"}:
            back = "asking"
        self.set(phase=back)
        self.resume(M.NOT_CANCELLED)

    def nik_warning(self, path: Path) -> tuple[str, tuple[Text, ...]] | None:
        """A NIK disagreement involving the answer at ``path`` that is not yet confirmed."""
        scope: Iterable[Question]
        prefix: tuple[str | int, ...]
        if len(path) == 3:
            scope, prefix = self.form.question(str(path[0])).questions, path[:2]
        else:
            scope, prefix = self.form.questions, ()
        get = _lookup(self.state.answers, path)
        for q in scope:
            check = q.nik_check
            if q.type is not QType.NIK or check is None:
                continue
            if str(path[-1]) not in {q.id, check.birth_date, check.sex}:
                continue
            present, nik = get(q.id)
            if not present or not nik:
                continue
            born: date | None = None
            sex: Any = None
            if check.birth_date:
                ok, raw = get(check.birth_date)
                born = date.fromisoformat(raw) if ok and raw else None
            if check.sex:
                ok, raw = get(check.sex)
                sex = raw if ok and raw in {"L", "P"} else None
            try:
                info = V.parse_nik(str(nik), today=self.today)
            except Invalid:
                continue
            found = V.nik_mismatches(info, birth_date=born, sex=sex)
            signature = f"{path_key(prefix)}|{nik}|{born}|{sex}"
            if found and signature not in self.state.confirmed:
                return signature, found
        return None

    def ask_warning(self, prefix: str) -> None:
        self.set(seq=self.state.seq + 1)
        lines = [prefix + "<b>" + self.h(M.WARN_HEAD) + "</b>"]
        lines += ["• " + self.h(w) for w in self.state.warning]
        lines += ["", self.h(M.WARN_FOOT)]
        self.say(
            "\n".join(lines),
            buttons=[
                [self.btn(self.t(M.WARN_OK), "w:ok")],
                [self.btn(self.t(M.WARN_FIX), "w:fix")],
            ],
            expects="yes_no",
        )

    def warning_ok(self) -> None:
        path = self.state.path
        assert path is not None  # noqa: S101 - a warning is always about the current answer
        pending = self.nik_warning(path)
        confirmed = self.state.confirmed + ((pending[0],) if pending else ())
        self.set(phase="asking", warning=(), confirmed=confirmed)
        self.advance(path)

    def warning_fix(self) -> None:
        path = self.state.path
        assert path is not None  # noqa: S101 - a warning is always about the current answer
        self.set(phase="asking", warning=())
        self.goto(path)

    def on_yes_no_text(self, event: Event, yes: Callable[[], None], no: Callable[[], None]) -> None:
        if isinstance(event, TextIn):
            try:
                answer = V.parse_yes_no(event.text)
            except Invalid:
                self.resume(M.YES_NO_ONLY)
                return
            yes() if answer else no()
            return
        self.resume(M.YES_NO_ONLY)


# --- small helpers ------------------------------------------------------------------------------


def _open(answers: Mapping[str, Any], path: Path) -> bool:
    """Whether ``path`` still needs an answer (the "add another?" question never does)."""
    if path[-1] == MORE:
        return False
    present, _ = value_at(answers, path)
    return not present


def _index(arg: str, opts: Sequence[object]) -> bool:
    n = _whole(arg)
    return n is not None and n < len(opts)


def _whole(text: str) -> int | None:
    """``text`` as a whole number if it is one of at most 9 decimal digits (a superscript ``²``
    is a digit to ``str.isdigit`` but not to ``int``, and ``int`` refuses very long ones)."""
    return int(text) if text.isdecimal() and len(text) <= 9 else None


def _match_option(text: str, opts: Sequence[DynamicChoice], lang: Lang) -> DynamicChoice | None:
    """A typed answer to a choice question: its number, its value, or its label."""
    norm = _norm(text)
    if norm.isdigit():
        n = _whole(norm)
        return opts[n - 1] if n is not None and 1 <= n <= len(opts) else None
    for opt in opts:
        labels = {_norm(opt.label.id), _norm(opt.label.en), _norm(opt.value)}
        if norm in labels:
            return opt
    prefixed = [o for o in opts if _norm(o.label.get(lang)).startswith(norm) and len(norm) >= 3]
    return prefixed[0] if len(prefixed) == 1 else None


def _match_many(text: str, opts: Sequence[DynamicChoice], lang: Lang) -> list[str] | None:
    parts = [p for p in re.split(r"[,;\s]+", text) if p]
    if all(p.isdigit() for p in parts):
        picked: list[str] = []
        for p in parts:
            n = _whole(p)
            if n is None or not 1 <= n <= len(opts):
                return None
            if opts[n - 1].value not in picked:
                picked.append(opts[n - 1].value)
        order = [o.value for o in opts]
        return sorted(picked, key=order.index)
    one = _match_option(text, opts, lang)
    return [one.value] if one is not None else None


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _mime_ok(mime: str, accept: Iterable[str]) -> bool:
    for pattern in accept:
        if pattern.endswith("/*") and mime.startswith(pattern[:-1]):
            return True
        if mime == pattern:
            return True
    return False


_MIME_NAMES: Final[Mapping[str, str]] = {
    "image/*": "foto/photo",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "application/pdf": "PDF",
}


def _describe_mime(mime: str) -> str:
    return _MIME_NAMES.get(mime, mime)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _plus_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)
