"""PDF checks with pypdf (no poppler needed): page size, embedded fonts, text, text positions."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import Any

from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

A4_PORTRAIT = (595.2756, 841.8898)
MM = 72 / 25.4


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(BytesIO(pdf))


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """Width and height of every page (mediabox)."""
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader(pdf).pages]


def _resolve(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _fonts_in(resources: Any, seen: set[int]) -> list[DictionaryObject]:
    resources = _resolve(resources)
    if not resources or id(resources) in seen:
        return []
    seen.add(id(resources))
    found = [_resolve(f) for f in _resolve(resources.get("/Font", {})).values()]
    for ref in _resolve(resources.get("/XObject", {})).values():
        xobject = _resolve(ref)
        if "/Resources" in xobject:
            found += _fonts_in(xobject["/Resources"], seen)
    return found


def fonts(pdf: bytes) -> dict[str, bool]:
    """Base font name → whether its program is embedded, for every font any page uses."""
    out: dict[str, bool] = {}
    seen: set[int] = set()
    for page in reader(pdf).pages:
        for font in _fonts_in(page.get("/Resources"), seen):
            described = font
            if font.get("/Subtype") == "/Type0":
                described = _resolve(font["/DescendantFonts"][0])
            descriptor = _resolve(described.get("/FontDescriptor")) or {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            out[str(font.get("/BaseFont"))] = embedded
    return out


def text(pdf: bytes) -> str:
    """All text of all pages, pages separated by form feeds."""
    return "\f".join(page.extract_text() for page in reader(pdf).pages)


@dataclass(frozen=True)
class Run:
    """A piece of text and where it starts on the page (points from the bottom left)."""

    text: str
    x: float
    y: float
    size: float


def runs(pdf: bytes, page_number: int = 0) -> list[Run]:
    """Every non-blank text run of a page with its starting point."""
    found: list[Run] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, size: float) -> None:
        if not text.strip():
            return
        a, b, c, d, e, f = cm
        x = tm[4] * a + tm[5] * c + e
        y = tm[4] * b + tm[5] * d + f
        found.append(Run(text.strip(), x, y, size))

    reader(pdf).pages[page_number].extract_text(visitor_text=visit)
    return found
