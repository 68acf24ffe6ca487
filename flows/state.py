"""The state of one citizen's form: plain, immutable, and serialisable to JSON for the database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any, Final, Literal

from flows.protocol import DynamicChoice
from flows.text import Lang, Text, parse_lang

Path = tuple[str | int, ...]
"""Where the citizen is: ``("nik",)``, ``("members", 0, "name")``, or ``("members", 0, "+")``
for the "add another?" question after item 0 of a group."""

MORE: Final = "+"
"""The last element of a path that points at a group's "add another?" question."""

Phase = Literal[
    "asking",
    "loading",
    "summary",
    "confirm_cancel",
    "confirm_warning",
    "submitting",
    "submitted",
    "cancelled",
    "stopped",
]

FINISHED: Final[frozenset[str]] = frozenset({"submitted", "cancelled"})
"""Phases after which the form takes no more answers."""

STATE_VERSION: Final = 1


def path_key(path: Path) -> str:
    """A path as a string key (for JSON objects): ``members.0.name``."""
    return ".".join(str(p) for p in path)


@dataclass(frozen=True)
class State:
    """Everything the engine knows of one form in progress. Never mutated: steps return new ones."""

    form_id: str
    lang: Lang = "id"
    phase: Phase = "asking"
    path: Path | None = None
    answers: Mapping[str, Any] = field(default_factory=dict)
    """Top-level answers by question id; a group's answer is a list of item mappings. A
    question answered with "skip" holds ``None``; a missing key is not answered yet."""
    editing: bool = False
    """Answering from the summary: after it, unanswered questions only, then the summary."""
    resume_at: Path | None = None
    """While editing: the question the citizen went back from; answers walk forward again to
    it (instead of jumping to the summary) so back-then-the-same-answer lands where they were."""
    seq: int = 0
    """Number of the question last shown; buttons carry it, so an old button is recognised."""
    failures: int = 0
    """Rejected answers to the current question in a row."""
    selection: tuple[str, ...] = ()
    """Options ticked so far on the current multiple-choice question."""
    confirmed: tuple[str, ...] = ()
    """NIK warnings the citizen confirmed (signatures), so they are not asked again."""
    warning: tuple[Text, ...] = ()
    """The NIK warnings waiting for confirmation (phase ``confirm_warning``)."""
    return_phase: Phase = "asking"
    """Where a declined cancel (or a confirmed warning) goes back to."""
    choices: Mapping[str, tuple[DynamicChoice, ...]] = field(default_factory=dict)
    """Options supplied at run time, by path key."""
    reference: str | None = None

    @property
    def finished(self) -> bool:
        """Whether the form was submitted or cancelled."""
        return self.phase in FINISHED

    def with_(self, **changes: Any) -> State:
        """A copy with ``changes``.

        Copies the fields directly: ``dataclasses.replace`` runs ``__init__``, which sets each
        of the 16 fields through ``object.__setattr__`` (4.5 µs a copy against 0.7 µs), and the
        engine makes several copies a step. There is no ``__post_init__`` to miss.
        """
        if not _FIELDS.issuperset(changes):
            unknown = ", ".join(sorted(set(changes) - _FIELDS))
            raise TypeError(f"State has no field(s) {unknown}")
        copy = object.__new__(type(self))
        attributes = copy.__dict__
        attributes.update(self.__dict__)
        attributes.update(changes)
        return copy

    # --- JSON --------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The state as JSON-ready data (stored after every step)."""
        return {
            "v": STATE_VERSION,
            "form_id": self.form_id,
            "lang": self.lang,
            "phase": self.phase,
            "path": list(self.path) if self.path is not None else None,
            "answers": _plain(self.answers),
            "editing": self.editing,
            "resume_at": list(self.resume_at) if self.resume_at is not None else None,
            "seq": self.seq,
            "failures": self.failures,
            "selection": list(self.selection),
            "confirmed": list(self.confirmed),
            "warning": [[t.id, t.en] for t in self.warning],
            "return_phase": self.return_phase,
            "choices": {
                key: [[c.value, c.label.id, c.label.en, c.enabled] for c in opts]
                for key, opts in self.choices.items()
            },
            "reference": self.reference,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> State:
        """A state saved by ``to_json``."""
        path = data.get("path")
        resume_at = data.get("resume_at")
        return cls(
            form_id=str(data["form_id"]),
            lang=parse_lang(data.get("lang")),
            phase=data.get("phase", "asking"),
            path=tuple(path) if path is not None else None,
            answers=dict(data.get("answers") or {}),
            editing=bool(data.get("editing", False)),
            resume_at=tuple(resume_at) if resume_at is not None else None,
            seq=int(data.get("seq", 0)),
            failures=int(data.get("failures", 0)),
            selection=tuple(data.get("selection") or ()),
            confirmed=tuple(data.get("confirmed") or ()),
            warning=tuple(Text(i, e) for i, e in data.get("warning") or ()),
            return_phase=data.get("return_phase", "asking"),
            choices={
                key: tuple(_choice(v, i, e, bool(en)) for v, i, e, en in opts)
                for key, opts in (data.get("choices") or {}).items()
            },
            reference=data.get("reference"),
        )


@lru_cache(maxsize=4096)
def _choice(value: str, id_: str, en: str, enabled: bool) -> DynamicChoice:
    """One loaded option, shared by every state that holds it (they are immutable): each step
    reads the state back from JSON, and the bookable days and the kelurahan are the same options
    in every chat; building them afresh was 0.2 ms of CPU per step (bench/telegram.py)."""
    return DynamicChoice(value, Text(id_, en), enabled)


_FIELDS: Final[frozenset[str]] = frozenset(f.name for f in fields(State))


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
