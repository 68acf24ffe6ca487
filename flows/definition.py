"""Form definitions: the data a form file (``flows/forms/*.yaml``) describes, validated at start-up.

A form is a list of questions asked one at a time. Questions have a type (which decides how an
answer is read and checked), bilingual label, hint and example, may be optional, may apply only
``when`` a declarative condition on earlier answers holds (no ``eval``), and may be a repeated
group of sub-questions (the members of a family). Definitions are frozen pydantic models: the
schema check (unknown keys, missing languages, wrong types) comes from pydantic; the
cross-references (conditions naming earlier questions, NIK checks) are checked in ``loader``.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from flows.text import Text


class QType(StrEnum):
    """How an answer to a question is read and checked."""

    TEXT = "text"
    NAME = "name"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"
    MULTI = "multi"
    YES_NO = "yes_no"
    CONSENT = "consent"
    NIK = "nik"
    KK = "kk"
    PHONE = "phone"
    EMAIL = "email"
    FILE = "file"
    TEMPERATURE = "temperature"
    DAY = "day"
    GROUP = "group"
    STOP = "stop"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Choice(_Model):
    """One fixed option of a choice question: the stored value and the label shown."""

    value: str
    label: Text


class Condition(_Model):
    """A declarative test on an earlier answer, or a combination of tests.

    Exactly one of: a comparison on ``question`` (one operator), ``all``, ``any``, ``not``.
    Inside a repeated group, ``question`` names a sibling in the same item first, then a
    question outside the group.
    """

    question: str | None = None
    equals: str | int | float | bool | None = None
    not_equals: str | int | float | bool | None = None
    in_: tuple[str, ...] | None = Field(default=None, alias="in")
    not_in: tuple[str, ...] | None = None
    contains: str | None = None
    answered: bool | None = None
    age_under: int | None = None
    age_at_least: int | None = None
    gt: float | None = None
    gte: float | None = None
    lt: float | None = None
    lte: float | None = None
    all_: tuple[Condition, ...] | None = Field(default=None, alias="all")
    any_: tuple[Condition, ...] | None = Field(default=None, alias="any")
    not_: Condition | None = Field(default=None, alias="not")

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _one_operator(self) -> Condition:
        combos = [name for name in ("all_", "any_", "not_") if getattr(self, name) is not None]
        ops = [name for name in COMPARISONS if getattr(self, name) is not None]
        if combos:
            if len(combos) > 1 or ops or self.question is not None:
                raise ValueError("use exactly one of all / any / not, without other keys")
            return self
        if self.question is None:
            raise ValueError("a condition needs 'question' (or all / any / not)")
        if len(ops) != 1:
            names = ", ".join(n.rstrip("_") for n in COMPARISONS)
            raise ValueError(f"a condition needs exactly one operator ({names})")
        return self


COMPARISONS: tuple[str, ...] = (
    "equals",
    "not_equals",
    "in_",
    "not_in",
    "contains",
    "answered",
    "age_under",
    "age_at_least",
    "gt",
    "gte",
    "lt",
    "lte",
)


class NikCheck(_Model):
    """Which declared answers a NIK's encoded birth date and sex are compared with."""

    birth_date: str | None = None
    sex: str | None = None
    """A choice question whose values are ``L`` (male) and ``P`` (female)."""


class Question(_Model):
    """One question of a form (or of a repeated group)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    type: QType
    label: Text
    hint: Text | None = None
    example: Text | None = None
    required: bool = True
    when: Condition | None = None
    summary: bool = True
    """Whether the answer is listed in the summary (a consent need not be)."""

    # choice / multi
    choices: tuple[Choice, ...] = ()
    choices_from: str | None = None
    """A list the application supplies at run time (``office.kelurahan``, ``booking.days``)."""
    columns: int = Field(default=1, ge=1, le=4)

    # number
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = True
    unit: Text | None = None

    # date
    past_only: bool = False
    future_only: bool = False

    # name
    new_registration: bool = False

    # nik
    nik_check: NikCheck | None = None

    # file
    accept: tuple[str, ...] = ()
    """MIME types (``image/jpeg``) or families (``image/*``) accepted for an upload."""
    max_size_mb: float = 5.0

    # consent
    refusal: Text | None = None
    """What a citizen who declines a consent is told."""

    # group
    questions: tuple[Question, ...] = ()
    item_label: Text | None = None
    """Heading of one item; ``{n}`` is its number (``Anggota ke-{n}``)."""
    add_more: Text | None = None
    """The question asked after each item: add another?"""
    min_items: int = Field(default=1, ge=0)
    max_items: int = Field(default=20, ge=1, le=50)

    # stop
    message: Text | None = None
    """For ``stop``: why the form cannot go on. ``{question}`` inserts an earlier answer and
    ``{question|plus_years:N}`` a date answer N years later."""

    @model_validator(mode="after")
    def _type_rules(self) -> Question:
        t = self.type
        if t in {QType.CHOICE, QType.MULTI}:
            if bool(self.choices) == bool(self.choices_from):
                raise ValueError(f"a {t} question needs either 'choices' or 'choices_from'")
            values = [c.value for c in self.choices]
            if len(set(values)) != len(values):
                raise ValueError("choice values must be unique")
        elif self.choices:
            raise ValueError(f"'choices' is only for choice and multi questions, not {t}")
        if t is QType.DAY and not self.choices_from:
            raise ValueError("a day question needs 'choices_from' (for example booking.days)")
        if t is QType.GROUP:
            if not self.questions:
                raise ValueError("a group needs 'questions'")
            if self.add_more is None or self.item_label is None:
                raise ValueError("a group needs 'item_label' and 'add_more'")
            if self.min_items > self.max_items:
                raise ValueError("min_items is larger than max_items")
            if any(q.type is QType.GROUP for q in self.questions):
                raise ValueError("groups cannot be nested")
        elif self.questions:
            raise ValueError("'questions' is only for group questions")
        if t is QType.STOP and self.message is None:
            raise ValueError("a stop needs a 'message'")
        if t is QType.FILE and not self.accept:
            raise ValueError("a file question needs 'accept' (MIME types)")
        if self.past_only and self.future_only:
            raise ValueError("past_only and future_only exclude each other")
        if self.nik_check is not None and t is not QType.NIK:
            raise ValueError("'nik_check' is only for nik questions")
        return self

    @property
    def is_group(self) -> bool:
        """Whether this is a repeated group."""
        return self.type is QType.GROUP

    def sub(self, qid: str) -> Question:
        """The sub-question ``qid`` of this group."""
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)


class Form(_Model):
    """A whole form: identity, bilingual title and intro, questions, and what confirming does."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    title: Text
    intro: Text
    """Shown before the first question: what the form is for and why the data is needed (PDP)."""
    questions: tuple[Question, ...]
    reference_prefix: str = Field(pattern=r"^[A-Z]{2,5}$")
    """Start of the human-friendly reference number of a submission (``KTP``)."""
    done: Text
    """Shown after a successful submission; ``{reference}`` is the reference number."""
    service: str | None = None
    """The booking service a day question books, if any (``ktp_recording``)."""
    order: int = 100
    """Position in the list of services."""
    document_code: str | None = None
    """The official form this one fills in (``F-1.02``), printed on the application."""

    def question(self, qid: str) -> Question:
        """The top-level question ``qid``."""
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)
