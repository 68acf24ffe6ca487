"""QR codes that lead to a document's verification page, drawn as vector paths.

The module matrix comes from reportlab's own encoder (``reportlab.graphics.barcode.qrencoder``,
which picks the best mask pattern as the standard asks). It is computed once per document and
drawn as one filled path per page (runs of dark modules as rectangles): reportlab's
``QrCodeWidget`` builds thousands of shape objects and re-encodes on every draw, ~30 ms a page.
"""

from __future__ import annotations

import itertools
from typing import Any, Final

from reportlab.graphics.barcode import qrencoder

from documents.errors import DocumentDataError

QR_LEVEL: Final = "M"
"""Error correction level M (~15 %): survives a smudged home print, keeps modules large."""
QUIET_ZONE: Final = 4
"""Light modules around the code, as the standard requires."""

Matrix = tuple[tuple[bool, ...], ...]
"""Rows of modules, top row first; ``True`` is dark."""


def qr_matrix(value: str) -> Matrix:
    """The module matrix of the QR code encoding ``value`` (UTF-8 bytes, level M)."""
    if not value:
        raise DocumentDataError("a QR code needs a value (the verification URL)")
    level = getattr(qrencoder.QRErrorCorrectLevel, QR_LEVEL)
    code = qrencoder.QRCode(None, level)
    code.addData(value)
    try:
        code.make()
    except Exception as exc:  # the encoder raises plain exceptions for oversized data
        raise DocumentDataError(f"cannot make a QR code of {len(value)} characters") from exc
    return tuple(tuple(bool(m) for m in row) for row in code.modules)


def draw_qr(canvas: Any, matrix: Matrix, x: float, y: float, size: float) -> None:
    """Draw ``matrix`` as a ``size`` x ``size`` square (quiet zone included) at ``x, y``."""
    count = len(matrix)
    module = size / (count + 2 * QUIET_ZONE)
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        top = y + size - (r + QUIET_ZONE + 1) * module
        c = 0
        for dark, run in itertools.groupby(row):
            length = len(list(run))
            if dark:
                path.rect(x + (c + QUIET_ZONE) * module, top, length * module, module)
            c += length
    canvas.saveState()
    canvas.setFillGray(0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
