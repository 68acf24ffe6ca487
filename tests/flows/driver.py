"""A tiny test driver for the pure form engine: send events, resolve effects, read the replies.

``Driver`` starts a form, then feeds every event to ``engine.step`` and carries out the effects
the way the dialog service would: ``LoadChoices`` from a mapping of sources, ``Submit`` by calling
a function (default: accepted as ``T-1``). Every reply and effect is recorded, so a test reads as
the conversation it checks.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from flows import engine
from flows.definition import Form
from flows.protocol import (
    Button,
    ChoicesLoaded,
    Closed,
    Command,
    CommandName,
    ContactIn,
    DynamicChoice,
    Effect,
    Event,
    FileIn,
    LoadChoices,
    OfferHelp,
    OtherIn,
    Reply,
    Resume,
    SetLang,
    Submit,
    SubmitFailed,
    Submitted,
    Tap,
    TextIn,
)
from flows.state import State
from flows.text import Lang, Text

TODAY = date(2026, 12, 3)
"""The day the tests run in (a Thursday)."""

ChoiceSource = Sequence[DynamicChoice] | Callable[[Mapping[str, Any]], Sequence[DynamicChoice]]
"""The options of a ``choices_from`` source: a list, or a function of the answers so far."""

SubmitFn = Callable[[dict[str, Any]], Submitted | SubmitFailed]

_TAG = re.compile(r"<[^>]+>")


def strip_html(text: str) -> str:
    """The text of a reply as the citizen reads it (tags removed, entities decoded)."""
    return html.unescape(_TAG.sub("", text))


def choice(
    value: str, label: str, label_en: str | None = None, *, enabled: bool = True
) -> DynamicChoice:
    """A run-time option with the same label in both languages unless ``label_en`` is given."""
    return DynamicChoice(value, Text(label, label_en or label), enabled)


def reloaded(state: State) -> State:
    """``state`` saved as JSON text and read back, as the dialog service does across a restart."""
    return State.from_json(json.loads(json.dumps(state.to_json())))


class EffectError(AssertionError):
    """The engine asked for something the driver was not given (a choices source, say)."""


class Driver:
    """Drives one form through ``flows.engine`` like the dialog service does, recording it all.

    With ``state``, it carries on from that state instead of starting the form.
    """

    def __init__(
        self,
        form: Form,
        *,
        today: date = TODAY,
        lang: Lang = "id",
        choices: Mapping[str, ChoiceSource] | None = None,
        submit: SubmitFn | None = None,
        state: State | None = None,
    ) -> None:
        self.form = form
        self.today = today
        self.choices: dict[str, ChoiceSource] = dict(choices or {})
        self.submit_fn = submit
        self.replies: list[Reply] = []
        """Every reply so far, in order."""
        self.effects: list[Effect] = []
        """Every effect so far, in order (the resolved ones included)."""
        self.submissions: list[dict[str, Any]] = []
        """The answers of every ``Submit`` effect."""
        self.events: list[Event] = []
        """Every event fed to the engine (the outcomes of effects included)."""
        self.last: list[Reply] = []
        """Replies of the last call (``send``, ``type``, ``tap``...), effects resolved."""
        self.last_effects: list[Effect] = []
        """Effects of the last call."""
        if state is not None:
            # Carry on from a saved state (nothing is said until the next event).
            self.state: State = state
            return
        start = engine.start(form, lang=lang, today=today)
        self.state = start.state
        self._absorb(start)
        self._resolve(start.effects)

    # --- sending --------------------------------------------------------------------------

    def send(self, event: Event) -> list[Reply]:
        """Feed ``event``, resolve the effects it causes, and return the replies it caused."""
        self.last = []
        self.last_effects = []
        self._feed(event)
        return self.last

    def _feed(self, event: Event) -> None:
        self.events.append(event)
        result = engine.step(self.form, self.state, event, today=self.today)
        self.state = result.state
        self._absorb(result)
        self._resolve(result.effects)

    def _absorb(self, result: engine.Step) -> None:
        self.replies.extend(result.replies)
        self.last.extend(result.replies)
        self.effects.extend(result.effects)
        self.last_effects.extend(result.effects)

    def _resolve(self, effects: Sequence[Effect]) -> None:
        for effect in effects:
            if isinstance(effect, LoadChoices):
                self._feed(ChoicesLoaded(effect.path, self._options(effect)))
            elif isinstance(effect, Submit):
                self.submissions.append(effect.answers)
                outcome = self.submit_fn(effect.answers) if self.submit_fn else Submitted("T-1")
                self._feed(outcome)
            elif isinstance(effect, OfferHelp | Closed):
                continue
            else:  # pragma: no cover - a new effect type needs handling here
                raise EffectError(f"the driver does not know the effect {effect!r}")

    def _options(self, effect: LoadChoices) -> tuple[DynamicChoice, ...]:
        if effect.source not in self.choices:
            raise EffectError(
                f"the engine asked for choices from {effect.source!r} (question "
                f"{effect.path!r}); give them in Driver(choices=...)"
            )
        source = self.choices[effect.source]
        return tuple(source(effect.answers) if callable(source) else source)

    # --- what a citizen does --------------------------------------------------------------

    def type(self, text: str) -> list[Reply]:
        """Type ``text``."""
        return self.send(TextIn(text))

    def tap(self, label: str) -> list[Reply]:
        """Press the button whose label is ``label`` (exactly, else the only one containing it),
        on the last reply that has buttons."""
        return self.send(Tap(self.button(label).data))

    def tap_action(self, action: str) -> list[Reply]:
        """Press the button whose data ends in ``action`` (``y``, ``c:0``, ``g:n``...), whatever
        its label says in the citizen's language."""
        found = [b for b in self.buttons() if b.data.partition(":")[2] == action]
        if not found:
            shown = ", ".join(repr(b.data) for b in self.buttons())
            raise AssertionError(f"no button with action {action!r}: {shown}")
        return self.send(Tap(found[0].data))

    def tap_data(self, data: str) -> list[Reply]:
        """Press a button by its raw data (an old button, say)."""
        return self.send(Tap(data))

    def command(self, name: CommandName) -> list[Reply]:
        """``/kembali``, ``/lewati`` or ``/batal``."""
        return self.send(Command(name))

    def upload(self, mime: str, size: int, name: str = "", ref: str | None = None) -> list[Reply]:
        """Send a photo or file; ``ref`` defaults to one made from the number of events."""
        return self.send(FileIn(ref or f"file-{len(self.events)}", mime, size, name))

    def contact(self, phone: str) -> list[Reply]:
        """Share a contact."""
        return self.send(ContactIn(phone))

    def other(self, kind: str = "sticker") -> list[Reply]:
        """Send something the engine cannot use (a sticker, a voice note)."""
        return self.send(OtherIn(kind))

    def resume(self) -> list[Reply]:
        """Come back to the chat: the current question is shown again."""
        return self.send(Resume())

    def set_lang(self, lang: Lang) -> list[Reply]:
        """Switch language."""
        return self.send(SetLang(lang))

    # --- reading --------------------------------------------------------------------------

    def last_with_buttons(self) -> Reply:
        """The most recent reply that has buttons."""
        for reply in reversed(self.replies):
            if reply.buttons:
                return reply
        raise AssertionError("no reply so far has buttons")

    def buttons(self) -> list[Button]:
        """The buttons of the most recent reply that has any."""
        return self.last_with_buttons().button_list()

    def labels(self) -> list[str]:
        """The labels of those buttons."""
        return [b.label for b in self.buttons()]

    def button(self, label: str) -> Button:
        """The button labelled ``label`` (exactly, else the only one containing it)."""
        buttons = self.buttons()
        exact = [b for b in buttons if b.label == label]
        if exact:
            return exact[0]
        partial = [b for b in buttons if label in b.label]
        if len(partial) == 1:
            return partial[0]
        shown = ", ".join(repr(b.label) for b in buttons)
        if not partial:
            raise AssertionError(f"no button {label!r} on the last reply with buttons: {shown}")
        raise AssertionError(f"{label!r} matches several buttons: {shown}")

    def has_button(self, label: str) -> bool:
        """Whether the last reply with buttons has a button containing ``label``."""
        return any(label in b.label for b in self.buttons())

    def last_text(self) -> str:
        """The text of the most recent reply, tags removed."""
        assert self.replies, "no reply yet"
        return strip_html(self.replies[-1].text)

    def said(self) -> str:
        """Every reply of the last call, tags removed, one after the other."""
        return "\n".join(strip_html(r.text) for r in self.last)

    @property
    def answers(self) -> Mapping[str, Any]:
        """The answers so far."""
        return self.state.answers

    @property
    def path(self) -> tuple[str | int, ...] | None:
        """The current position."""
        return self.state.path

    def effects_of(self, kind: type[Any]) -> list[Any]:
        """Every effect so far of type ``kind``."""
        return [e for e in self.effects if isinstance(e, kind)]
