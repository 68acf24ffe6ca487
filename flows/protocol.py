"""What goes into the engine (events), and what comes out (replies to show, effects to carry out).

Every channel (terminal, Telegram) turns what the citizen did into an event; the dialog service
feeds it to ``engine.step`` and carries out the effects, feeding their outcomes back as events
(``ChoicesLoaded``, ``Submitted``, ``SubmitFailed``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from flows.text import Lang, Text

# --- events -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Start:
    """Begin the form: show its intro and the first question."""


@dataclass(frozen=True, slots=True)
class Resume:
    """Show the current question again (after a restart, an unusable input, a stale button)."""

    notice: Text | None = None
    """Said before the question (why it is shown again)."""


@dataclass(frozen=True, slots=True)
class TextIn:
    """Typed text."""

    text: str


@dataclass(frozen=True, slots=True)
class Tap:
    """A button pressed; ``data`` is the button's data as the engine made it."""

    data: str


CommandName = Literal["back", "skip", "cancel"]


@dataclass(frozen=True, slots=True)
class Command:
    """A navigation command (``/kembali``, ``/lewati``, ``/batal``)."""

    name: CommandName


@dataclass(frozen=True, slots=True)
class FileIn:
    """An uploaded photo or document, already stored by the channel; ``ref`` finds it again."""

    ref: str
    mime: str
    """Detected from the content by the channel, never taken from the file name."""
    size: int
    name: str = ""


@dataclass(frozen=True, slots=True)
class ContactIn:
    """A phone number shared as a contact."""

    phone: str


@dataclass(frozen=True, slots=True)
class OtherIn:
    """Something the engine cannot use as an answer (a sticker, a voice note, a location)."""

    kind: str


@dataclass(frozen=True, slots=True)
class SetLang:
    """The citizen switched language; the current question is shown again in it."""

    lang: Lang


@dataclass(frozen=True, slots=True)
class DynamicChoice:
    """One option supplied at run time (a day with places left, a kelurahan)."""

    value: str
    label: Text
    enabled: bool = True
    """A full day is shown but cannot be chosen."""


@dataclass(frozen=True, slots=True)
class ChoicesLoaded:
    """Outcome of ``LoadChoices``: the options of question ``path`` right now."""

    path: tuple[str | int, ...]
    choices: tuple[DynamicChoice, ...]
    notice: Text | None = None


@dataclass(frozen=True, slots=True)
class Submitted:
    """Outcome of ``Submit``: accepted under ``reference``; ``details`` are shown to the citizen."""

    reference: str
    details: Text | None = None


@dataclass(frozen=True, slots=True)
class SubmitFailed:
    """Outcome of ``Submit``: refused; the citizen is told ``reason`` and asked ``path`` again
    (for example the chosen day filled up in the meantime)."""

    reason: Text
    path: tuple[str | int, ...] | None = None
    actions: tuple[tuple[Button, ...], ...] = ()
    """Buttons offered with the reason (handled outside the form, e.g. moving a booking)."""


Event = (
    Start
    | Resume
    | TextIn
    | Tap
    | Command
    | FileIn
    | ContactIn
    | OtherIn
    | SetLang
    | ChoicesLoaded
    | Submitted
    | SubmitFailed
)

# --- effects ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoadChoices:
    """Fetch the options of a ``choices_from`` question; answer with ``ChoicesLoaded``."""

    path: tuple[str | int, ...]
    source: str
    answers: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Submit:
    """The citizen confirmed: record the submission (and book, if the form books a day).

    Answer with ``Submitted`` or ``SubmitFailed``.
    """

    form_id: str
    answers: dict[str, Any]
    service: str | None = None
    summary: tuple[tuple[str, str], ...] = ()
    """The answers as the summary lists them, in Indonesian (for the printed application)."""


@dataclass(frozen=True, slots=True)
class OfferHelp:
    """The citizen failed the same question several times: offer a person (hand-off)."""

    path: tuple[str | int, ...]
    failures: int


@dataclass(frozen=True, slots=True)
class Closed:
    """The form ended (``submitted`` or ``cancelled``); the channel may show the menu."""

    outcome: Literal["submitted", "cancelled"]


Effect = LoadChoices | Submit | OfferHelp | Closed

# --- replies ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Button:
    """A button under a reply: its label, and the data a ``Tap`` brings back."""

    label: str
    data: str


ReplyKind = Literal["question", "error", "info", "summary", "done"]


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to show the citizen, in their language, with optional button rows."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    kind: ReplyKind = "info"
    expects: str | None = None
    """For a question: what kind of input it wants (``text``, ``file``, ``phone``...)."""

    def button_list(self) -> list[Button]:
        """All buttons, row after row."""
        return [b for row in self.buttons for b in row]
