"""Fonts: the bundled Vera family registers once and has every character the documents print."""

from __future__ import annotations

from pathlib import Path

import pytest

from documents import FontError, default_fonts, register_family
from documents.fonts import VERA_DIR


def test_default_fonts_registered_once() -> None:
    assert default_fonts() is default_fonts()
    fonts = default_fonts()
    assert len({fonts.regular, fonts.bold, fonts.italic, fonts.bold_italic}) == 4


def test_missing_font_file(tmp_path: Path) -> None:
    with pytest.raises(FontError, match="cannot load"):
        register_family(
            "Nope",
            regular=tmp_path / "nope.ttf",
            bold=tmp_path / "nope.ttf",
            italic=tmp_path / "nope.ttf",
            bold_italic=tmp_path / "nope.ttf",
        )


def test_font_without_needed_glyphs(tmp_path: Path) -> None:
    # reportlab's test font covers a few letters only
    tiny = VERA_DIR / "hb-test.ttf"
    if not tiny.exists():
        pytest.skip("reportlab's hb-test.ttf not shipped")
    with pytest.raises(FontError, match="lacks"):
        register_family("Tiny", regular=tiny, bold=tiny, italic=tiny, bold_italic=tiny)
