"""Embedded TrueType fonts for the documents.

PDF viewers substitute the 14 standard fonts with whatever they have, so every glyph of a
document comes from an embedded TrueType font instead. Bitstream Vera Sans ships with reportlab
itself (``reportlab/fonts``), so nothing has to be installed; it has every character the
documents use (``— – ° é … ’ “ ” ×``). Registration happens once, on first use, not at import.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import reportlab
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from documents.errors import FontError

VERA_DIR: Final = Path(reportlab.__file__).parent / "fonts"
"""Where reportlab keeps its bundled Vera TTF files."""

REQUIRED_GLYPHS: Final = "—–°éÉ…’“”×·•"
"""Characters beyond ASCII that the templates print; a font family must have them all."""


@dataclass(frozen=True, slots=True)
class Fonts:
    """Names of a registered font family (regular, bold, italic, bold italic)."""

    regular: str
    """Body text."""
    bold: str
    """Headings, labels, codes."""
    italic: str
    """``<i>`` in paragraphs."""
    bold_italic: str
    """Rarely used; registered so ``<b><i>`` in paragraphs works."""


_lock = threading.Lock()
_registered: dict[tuple[str, Path], Fonts] = {}


def register_family(
    name: str,
    *,
    regular: Path,
    bold: Path,
    italic: Path,
    bold_italic: Path,
) -> Fonts:
    """Register four TTF files as one family under ``name`` (once per process) and check glyphs.

    Raises :class:`~documents.errors.FontError` when a file is missing or lacks a character of
    :data:`REQUIRED_GLYPHS`.
    """
    key = (name, regular)
    with _lock:
        if key in _registered:
            return _registered[key]
        fonts = Fonts(
            regular=name,
            bold=f"{name}-Bold",
            italic=f"{name}-Italic",
            bold_italic=f"{name}-BoldItalic",
        )
        faces = (
            (fonts.regular, regular),
            (fonts.bold, bold),
            (fonts.italic, italic),
            (fonts.bold_italic, bold_italic),
        )
        for face, path in faces:
            try:
                font = TTFont(face, str(path))
            except Exception as exc:  # reportlab raises several kinds for unreadable fonts
                raise FontError(f"{path}: cannot load the font ({exc})") from exc
            missing = [c for c in REQUIRED_GLYPHS if ord(c) not in font.face.charToGlyph]
            if missing:
                raise FontError(f"{path}: lacks the characters {''.join(missing)!r}")
            pdfmetrics.registerFont(font)
        for bold_flag, italic_flag, face in (
            (0, 0, fonts.regular),
            (1, 0, fonts.bold),
            (0, 1, fonts.italic),
            (1, 1, fonts.bold_italic),
        ):
            addMapping(fonts.regular, bold_flag, italic_flag, face)
        _registered[key] = fonts
        return fonts


def default_fonts() -> Fonts:
    """Bitstream Vera Sans from reportlab's own files, registered on first call."""
    return register_family(
        "AdmVera",
        regular=VERA_DIR / "Vera.ttf",
        bold=VERA_DIR / "VeraBd.ttf",
        italic=VERA_DIR / "VeraIt.ttf",
        bold_italic=VERA_DIR / "VeraBI.ttf",
    )
