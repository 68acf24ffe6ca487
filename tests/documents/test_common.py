"""What every document has: exact A4, embedded fonts, margins, the furniture, determinism."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from documents import samples
from tests.documents.conftest import RENDERERS
from tests.documents.pdfcheck import A4_PORTRAIT, MM, fonts, page_sizes, reader, runs, text

MIN_MARGIN = 15 * MM
PDFTOTEXT = shutil.which("pdftotext")


def test_page_is_exactly_a4(any_pdf: tuple[str, bytes]) -> None:
    name, pdf = any_pdf
    expected = A4_PORTRAIT[::-1] if name == "family-card" else A4_PORTRAIT
    for width, height in page_sizes(pdf):
        assert width == pytest.approx(expected[0], abs=1e-3)
        assert height == pytest.approx(expected[1], abs=1e-3)


def test_every_font_is_embedded(any_pdf: tuple[str, bytes]) -> None:
    _, pdf = any_pdf
    used = fonts(pdf)
    assert used, "no fonts found"
    assert all(used.values()), used
    assert not any("Helvetica" in name or "Times" in name for name in used)


def test_furniture_on_every_page(any_pdf: tuple[str, bytes]) -> None:
    name, pdf = any_pdf
    pages = [p.extract_text() for p in reader(pdf).pages]
    for number, page in enumerate(pages, start=1):
        assert "Nomor dokumen: 474." in page
        assert f"Halaman {number} dari {len(pages)}" in page
        assert "DEMO — bukan dokumen resmi" in page
        assert "Pindai untuk verifikasi" in page
        assert f"{samples.BASE_URL}/" in page.replace("\n", "")
    everything = text(pdf)
    assert "Ditandatangani secara elektronik" in everything
    assert "Drs. Contoh Kepala Dinas, M.Si." in everything
    assert "NIP 19680101 199003 1 001" in everything
    assert "KEPALA DINAS KEPENDUDUKAN DAN" in everything
    assert "Magelang, 3 Desember 2026" in everything
    if name != "family-card":  # the KK has no letterhead, like the real one
        assert "PEMERINTAH KOTA MAGELANG" in everything


def test_no_demo_marks_when_not_demo(rendered: dict[tuple[str, bool], bytes]) -> None:
    for name in RENDERERS:
        content = text(rendered[(name, False)])
        assert "DEMO" not in content, name
        assert "Ditandatangani secara elektronik" in content


def test_text_stays_inside_printable_margins(any_pdf: tuple[str, bytes]) -> None:
    _, pdf = any_pdf
    for number, (width, height) in enumerate(page_sizes(pdf)):
        for run in runs(pdf, number):
            assert MIN_MARGIN - 0.5 <= run.x <= width - MIN_MARGIN, run
            assert MIN_MARGIN - 0.5 <= run.y <= height - MIN_MARGIN, run


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) absent")
def test_word_boxes_inside_margins(any_pdf: tuple[str, bytes], tmp_path: Path) -> None:
    """With poppler: every word's whole box (not only its start) is inside the margins."""
    import re

    _, pdf = any_pdf
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(
        [PDFTOTEXT, "-bbox", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    page_w = page_h = 0.0
    for tag in re.finditer(r"<(page|word) ([^>]*)>", html):
        attrs = dict(re.findall(r'(\w+)="([\d.]+)"', tag.group(2)))
        if tag.group(1) == "page":
            page_w, page_h = float(attrs["width"]), float(attrs["height"])
            continue
        x0, y0, x1, y1 = (float(attrs[k]) for k in ("xMin", "yMin", "xMax", "yMax"))
        if y1 - y0 > 60:  # the diagonal DEMO watermark: its box is the rotated glyph extent
            continue
        assert x0 >= MIN_MARGIN - 1, tag.group(0)
        assert x1 <= page_w - MIN_MARGIN + 1, tag.group(0)
        assert y0 >= MIN_MARGIN - 1, tag.group(0)
        assert y1 <= page_h - MIN_MARGIN + 1, tag.group(0)


def test_same_input_gives_same_bytes() -> None:
    for name, render in RENDERERS.items():
        assert render(True) == render(True), name


def test_metadata(any_pdf: tuple[str, bytes]) -> None:
    _, pdf = any_pdf
    meta = reader(pdf).metadata
    assert meta is not None
    assert meta.author == samples.OFFICE.name
    assert meta.title
    assert "474." in (meta.subject or "")
