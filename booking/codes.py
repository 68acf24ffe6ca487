"""Booking codes: short, random, easy to read aloud and to type on a phone."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Final

CODE_ALPHABET: Final = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""Digits and capitals without the look-alikes 0/O, 1/I/L: 31 symbols."""

CODE_LENGTH: Final = 6
"""Random symbols per code: 31**6, about 887 million codes per prefix."""

CodeFactory = Callable[[], str]
"""Makes a fresh candidate code; the store retries with another on a (rare) collision."""

_CODE_RE: Final = re.compile(rf"^([A-Z]{{1,8}})-?([{CODE_ALPHABET}]{{{CODE_LENGTH}}})$")


def new_code(prefix: str) -> str:
    """A random code such as ``KTP-7K4M9Q`` (from ``secrets``, so codes cannot be guessed)."""
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{prefix}-{body}"


def code_factory(prefix: str) -> CodeFactory:
    """A factory of codes with ``prefix``."""
    return lambda: new_code(prefix)


def normalise_code(text: str) -> str | None:
    """A code as a citizen typed it (``ktp 7k4m9q``) in stored form; ``None`` if it is not one."""
    compact = re.sub(r"[\s_.]+", "", text).upper()
    match = _CODE_RE.match(compact)
    if match is None:
        return None
    return f"{match.group(1)}-{match.group(2)}"
