"""QR codes: the matrix encodes the URL (decoded with zxing-cpp when installed), and the page's
QR code decodes to the verification URL (when poppler is there to rasterise the page)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from documents import DocumentDataError, render_booking_proof, samples
from documents.qr import QUIET_ZONE, qr_matrix

URL = "https://adminduk.magelangkota.example/v/7K4M9Q2X"
PDFTOPPM = shutil.which("pdftoppm")


def _image(matrix: tuple[tuple[bool, ...], ...], scale: int = 6) -> object:
    from PIL import Image

    size = (len(matrix) + 2 * QUIET_ZONE) * scale
    image = Image.new("L", (size, size), 255)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                x, y = (c + QUIET_ZONE) * scale, (r + QUIET_ZONE) * scale
                image.paste(0, (x, y, x + scale, y + scale))
    return image


def test_matrix_is_square_and_deterministic() -> None:
    matrix = qr_matrix(URL)
    assert len(matrix) == len(matrix[0])
    assert (len(matrix) - 17) % 4 == 0  # a QR version's size
    assert qr_matrix(URL) == matrix


def test_matrix_decodes_to_the_url() -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    results = zxingcpp.read_barcodes(_image(qr_matrix(URL)))
    assert [r.text for r in results] == [URL]


def test_empty_value_is_refused() -> None:
    with pytest.raises(DocumentDataError):
        qr_matrix("")


@pytest.mark.skipif(PDFTOPPM is None, reason="pdftoppm (poppler-utils) absent")
def test_printed_qr_decodes_to_the_verification_url(tmp_path: Path) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    issue = samples.issue("1", "QRTEST01")
    (tmp_path / "doc.pdf").write_bytes(render_booking_proof(samples.booking_proof(), issue))
    subprocess.run(
        [PDFTOPPM, "-png", "-r", "150", "-singlefile", "doc.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    with Image.open(tmp_path / "page.png") as page:
        results = zxingcpp.read_barcodes(page)
    assert [r.text for r in results] == [issue.verify_url]
