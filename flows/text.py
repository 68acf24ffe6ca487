"""Bilingual user-facing text: every message exists in Bahasa Indonesia (default) and English."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Lang = Literal["id", "en"]
"""A language the bot speaks: Indonesian (default) or English."""

LANGS: Final[tuple[Lang, ...]] = ("id", "en")


@dataclass(frozen=True, slots=True)
class Text:
    """One user-facing text in both languages."""

    id: str
    """Bahasa Indonesia."""
    en: str
    """English."""

    def get(self, lang: Lang) -> str:
        """The text in ``lang``."""
        return self.en if lang == "en" else self.id

    def format(self, **params: object) -> Text:
        """Both languages with ``str.format`` placeholders filled in."""
        return Text(self.id.format(**params), self.en.format(**params))

    def __add__(self, other: Text) -> Text:
        return Text(self.id + other.id, self.en + other.en)


def parse_lang(value: str | None) -> Lang:
    """A language code from settings or a user's profile; anything unknown is Indonesian."""
    return "en" if (value or "").lower().startswith("en") else "id"


class FlowsError(Exception):
    """Root of every error raised by the ``flows`` package."""


class Invalid(FlowsError, ValueError):  # noqa: N818 - reads as "the input is Invalid"
    """An answer a citizen typed cannot be accepted; ``message`` says why and what to do next."""

    def __init__(self, message: Text) -> None:
        super().__init__(message.en)
        self.message = message
