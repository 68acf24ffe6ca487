"""The gallery script renders and signs every document (PNG pages when poppler is there)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from documents.gallery import DOCUMENTS, main
from tests.documents.pdfcheck import text


def test_gallery_writes_signed_pdfs(tmp_path: Path) -> None:
    assert main(["--pdf", str(tmp_path)]) == 0
    for stem in DOCUMENTS:
        pdf = (tmp_path / f"{stem}.pdf").read_bytes()
        assert b"/ByteRange" in pdf  # signed
        assert "DEMO" in text(pdf)
        if shutil.which("pdftoppm"):
            assert list(tmp_path.glob(f"{stem}*.png"))


def test_gallery_usage() -> None:
    assert main([]) == 2


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) absent")
def test_gallery_png_only(tmp_path: Path) -> None:
    assert main([str(tmp_path)]) == 0
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".png"] * len(DOCUMENTS)
