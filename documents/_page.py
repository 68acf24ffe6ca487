"""Page furniture shared by every document, and the function that lays a story out on A4.

Every page gets: the office letterhead (portrait documents), the DEMO banner and watermark when
the document is a demo, and a footer with the document number, ``Halaman X dari Y``, a note on
the electronic signature with the verification URL, and the QR code in the bottom right corner.
Each story ends with :func:`signature_table`. Only black and greys are used: a light grey fill
never carries meaning on its own, so the page reads the same on a black-and-white printer.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any, Final

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from documents._format import esc, long_date, nip, place_name, position
from documents.fonts import Fonts
from documents.models import Issue
from documents.qr import draw_qr, qr_matrix

DEMO_BANNER: Final = "DEMO — bukan dokumen resmi"
"""Printed on every page of a demo document (and the big diagonal ``DEMO`` behind the text)."""
TTE_TEXT: Final = "Ditandatangani secara elektronik"
"""The heading of every signature block."""
GRID: Final = colors.black
SHADE: Final = colors.Color(0.9, 0.9, 0.9)
"""Light grey behind headings: decoration only, the text says everything."""
LETTERHEAD_HEIGHT: Final = 54.0
BANNER_HEIGHT: Final = 21.0


@dataclass(frozen=True, slots=True)
class PageSpec:
    """Geometry of a document's pages."""

    landscape: bool = False
    """Landscape A4 (the KK) instead of portrait."""
    margin: float = 17 * mm
    """Distance of everything printed from every edge; home printers need at least 15 mm."""
    letterhead: bool = True
    """Print the office letterhead on top of every page."""
    qr_size: float = 23 * mm
    """Side of the QR code in the footer."""
    footer_height: float = 29 * mm
    """Height reserved at the bottom for the footer (QR code and note)."""

    @property
    def pagesize(self) -> tuple[float, float]:
        """Width and height in points: exactly A4."""
        size: tuple[float, float] = landscape(A4) if self.landscape else A4
        return size


PORTRAIT: Final = PageSpec()
LANDSCAPE: Final = PageSpec(
    landscape=True, margin=15.5 * mm, letterhead=False, qr_size=22 * mm, footer_height=27 * mm
)


@dataclass(frozen=True, slots=True)
class Styles:
    """Paragraph styles of one font family."""

    fonts: Fonts
    body: ParagraphStyle
    position: ParagraphStyle
    body_justified: ParagraphStyle
    small: ParagraphStyle
    label: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    centered: ParagraphStyle
    heading: ParagraphStyle
    bullet: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle
    big: ParagraphStyle
    footer: ParagraphStyle


@functools.cache
def styles_for(fonts: Fonts) -> Styles:
    """The styles of ``fonts`` (made once per family)."""

    def style(name: str, size: float, *, leading: float | None = None, **kw: Any) -> ParagraphStyle:
        kw.setdefault("fontName", fonts.regular)
        return ParagraphStyle(
            name,
            fontSize=size,
            leading=leading or size * 1.25,
            bulletFontName=fonts.regular,
            textColor=colors.black,
            **kw,
        )

    return Styles(
        fonts=fonts,
        body=style("body", 9.5),
        position=style("position", 9, leading=11),
        body_justified=style("body_justified", 9.5, alignment=TA_JUSTIFY),
        small=style("small", 8),
        label=style("label", 7.5),
        title=style("title", 14, leading=18, fontName=fonts.bold, alignment=TA_CENTER),
        subtitle=style("subtitle", 10.5, leading=14, alignment=TA_CENTER),
        centered=style("centered", 9, alignment=TA_CENTER),
        heading=style("heading", 10, leading=13, fontName=fonts.bold),
        bullet=style("bullet", 9, leftIndent=11, bulletIndent=1, spaceAfter=1.5),
        cell=style("cell", 6.8, leading=8.2),
        cell_head=style("cell_head", 6.6, leading=8, fontName=fonts.bold, alignment=TA_CENTER),
        big=style("big", 24, leading=28, fontName=fonts.bold, alignment=TA_CENTER),
        footer=style("footer", 7, leading=8.8),
    )


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped: names may contain ``&`` or ``<``)."""
    return Paragraph(esc(text), style)


def markup(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of trusted markup (``<b>``, ``<br/>``); escape every value inside it."""
    return Paragraph(text, style)


def table(
    data: Sequence[Sequence[Any]],
    widths: Sequence[float],
    styles: Styles,
    commands: Sequence[tuple[Any, ...]] = (),
    **kwargs: Any,
) -> Table:
    """A reportlab table whose default cell font is the embedded one (reportlab's is Helvetica,
    which would add a non-embedded font to the PDF even when every cell is a paragraph)."""
    made = Table(data, colWidths=list(widths), **kwargs)
    made.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), styles.fonts.regular, 8), *commands]))
    return made


def side_by_side(
    cells: Sequence[Any], widths: Sequence[float], styles: Styles, *commands: tuple[Any, ...]
) -> Table:
    """One borderless row of ``cells`` (flowables or lists of them) next to each other, aligned
    at the top with no padding at the sides; ``commands`` add to that."""
    return table(
        [list(cells)],
        widths,
        styles,
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            *commands,
        ],
    )


def bullet(text: str, styles: Styles) -> Paragraph:
    """One item of a bulleted list (plain text)."""
    return Paragraph(esc(text), styles.bullet, bulletText="•")


def heading(text: str, styles: Styles, width: float) -> Table:
    """A block heading: bold text on a light grey band with a black rule under it."""
    return table(
        [[para(text, styles.heading)]],
        [width],
        styles,
        [
            ("BACKGROUND", (0, 0), (-1, -1), SHADE),
            ("LINEBELOW", (0, 0), (-1, -1), 0.8, GRID),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ],
    )


def label_value_table(
    rows: Sequence[tuple[str, Flowable | str]],
    styles: Styles,
    width: float,
    *,
    label_share: float = 0.34,
) -> Table:
    """Two columns, ``label`` and ``value``, in a grid; plain-text values are escaped."""
    data = [
        [para(label, styles.small), para(value, styles.body) if isinstance(value, str) else value]
        for label, value in rows
    ]
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
    ]
    return table(data, [width * label_share, width * (1 - label_share)], styles, commands)


def signature_table(issue: Issue, styles: Styles, *, width: float = 82 * mm) -> Table:
    """Date line, position, the TTE box, the head of office's name and NIP, as one table."""
    office = issue.office
    head = office.head
    box_lines = [
        f"<b>{TTE_TEXT} (TTE)</b>",
        "Cek keaslian: pindai kode QR di kanan bawah",
    ]
    if issue.demo:
        box_lines.append("<b>Sertifikat DEMO — bukan TTE resmi</b>")
    box = table(
        [[markup("<br/>".join(box_lines), styles.small)]],
        [width],
        styles,
        [
            ("BOX", (0, 0), (-1, -1), 1, GRID),
            ("LEFTPADDING", (0, 0), (-1, -1), 5),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ],
    )
    rows = [
        [para(f"{place_name(office.city)}, {long_date(issue.issued_on)}", styles.body)],
        [markup(f"<b>{esc(position(head.title, office.name).upper())},</b>", styles.position)],
        [box],
        [markup(f"<b><u>{esc(head.name)}</u></b>", styles.body)],
        [para(f"NIP {nip(head.nip)}", styles.body)],
    ]
    return table(
        rows,
        [width],
        styles,
        [
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ("TOPPADDING", (0, 2), (0, 2), 4),
            ("BOTTOMPADDING", (0, 2), (0, 2), 5),
        ],
        hAlign="RIGHT",
    )


class _Furniture:
    """Draws what every page has; the page count is filled in when the document is saved."""

    def __init__(self, issue: Issue, spec: PageSpec, styles: Styles) -> None:
        self.issue = issue
        self.spec = spec
        self.styles = styles
        self.fonts = styles.fonts
        self.width, self.height = spec.pagesize
        self.qr = qr_matrix(issue.verify_url)

    # -- geometry -------------------------------------------------------------------------
    @property
    def body_top(self) -> float:
        """Top of the story frame."""
        top = self.height - self.spec.margin
        if self.spec.letterhead:
            top -= LETTERHEAD_HEIGHT
        if self.issue.demo:
            top -= BANNER_HEIGHT
        return top

    @property
    def body_bottom(self) -> float:
        """Bottom of the story frame."""
        return self.spec.margin + self.spec.footer_height

    @property
    def footer_top(self) -> float:
        """Height of the rule over the footer; the number line is 11 points below it."""
        return self.spec.margin + self.spec.footer_height - 6

    @property
    def note_width(self) -> float:
        """Width of the footer text left of the QR code."""
        return self.width - 2 * self.spec.margin - self.spec.qr_size - 12

    # -- drawing --------------------------------------------------------------------------
    def draw_page(self, canvas: Canvas, _doc: Any) -> None:
        """``onPage`` hook: watermark first (under the text), then letterhead, banner, footer."""
        canvas.saveState()
        if self.issue.demo:
            self._watermark(canvas)
        top = self.height - self.spec.margin
        if self.spec.letterhead:
            self._letterhead(canvas, top)
            top -= LETTERHEAD_HEIGHT
        if self.issue.demo:
            self._banner(canvas, top)
        self._footer(canvas)
        canvas.restoreState()

    def _fit(self, text: str, font: str, size: float, width: float) -> float:
        """``size``, reduced until ``text`` fits in ``width``."""
        while size > 6 and stringWidth(text, font, size) > width:
            size -= 0.25
        return size

    def _letterhead(self, canvas: Canvas, top: float) -> None:
        office = self.issue.office
        centre = self.width / 2
        usable = self.width - 2 * self.spec.margin
        lines = (
            (f"PEMERINTAH {office.city.upper()}", self.fonts.bold, 11.0, 10.0),
            (office.name.upper(), self.fonts.bold, 12.5, 14.0),
            (
                office.address + (f" · Telp. {office.phone}" if office.phone else ""),
                self.fonts.regular,
                8.5,
                12.0,
            ),
        )
        y = top
        for text, font, size, drop in lines:
            y -= drop
            fitted = self._fit(text, font, size, usable)
            canvas.setFont(font, fitted)
            canvas.drawCentredString(centre, y, text)
        left, right = self.spec.margin, self.width - self.spec.margin
        canvas.setLineWidth(1.6)
        canvas.line(left, y - 6, right, y - 6)
        canvas.setLineWidth(0.5)
        canvas.line(left, y - 8.5, right, y - 8.5)

    def _banner(self, canvas: Canvas, top: float) -> None:
        left = self.spec.margin
        usable = self.width - 2 * left
        box_top = top - 4
        height = BANNER_HEIGHT - 7
        canvas.setFillColor(SHADE)
        canvas.setStrokeColor(GRID)
        canvas.setLineWidth(1.2)
        canvas.rect(left, box_top - height, usable, height, stroke=1, fill=1)
        canvas.setFillColor(colors.black)
        bold = f"{DEMO_BANNER} · "
        rest = "ditandatangani dengan sertifikat uji coba; tidak berlaku untuk keperluan apa pun"
        size = 8.5
        while size > 6:
            total = stringWidth(bold, self.fonts.bold, size) + stringWidth(
                rest, self.fonts.regular, size
            )
            if total <= usable - 8:
                break
            size -= 0.25
        x = self.width / 2 - total / 2
        y = box_top - height / 2 - size * 0.35
        canvas.setFont(self.fonts.bold, size)
        canvas.drawString(x, y, bold)
        canvas.setFont(self.fonts.regular, size)
        canvas.drawString(x + stringWidth(bold, self.fonts.bold, size), y, rest)

    def _watermark(self, canvas: Canvas) -> None:
        canvas.saveState()
        canvas.setFillGray(0.87)
        canvas.translate(self.width / 2, self.height / 2)
        canvas.rotate(math.degrees(math.atan2(self.height, self.width)))
        diagonal = math.hypot(self.width, self.height)
        size = 0.42 * diagonal / (stringWidth("DEMO", self.fonts.bold, 100) / 100)
        canvas.setFont(self.fonts.bold, size)
        canvas.drawCentredString(0, -size * 0.35, "DEMO")
        canvas.restoreState()

    def _footer(self, canvas: Canvas) -> None:
        spec, issue = self.spec, self.issue
        head = issue.office.head
        left = spec.margin
        right = self.width - spec.margin
        top = self.footer_top
        canvas.setLineWidth(0.6)
        canvas.setStrokeColor(GRID)
        canvas.line(left, top, right, top)
        # QR code, bottom right, with its caption under it
        qr_x = right - spec.qr_size
        caption_size = 6.5
        qr_y = spec.margin + caption_size + 2
        draw_qr(canvas, self.qr, qr_x, qr_y, spec.qr_size)
        canvas.setFont(self.fonts.regular, caption_size)
        canvas.setFillColor(colors.black)
        caption = "Pindai untuk verifikasi"
        half = stringWidth(caption, self.fonts.regular, caption_size) / 2
        canvas.drawCentredString(min(qr_x + spec.qr_size / 2, right - half), spec.margin, caption)
        # document number (page count is drawn at save time)
        canvas.setFont(self.fonts.bold, 8)
        canvas.drawString(left, top - 11, f"Nomor dokumen: {issue.number}")
        note = (
            f"Dokumen ini ditandatangani secara elektronik (TTE) oleh "
            f"{esc(head.name)}, {esc(position(head.title, issue.office.name))}; "
            "tidak memerlukan tanda tangan basah atau cap. "
            f"Keaslian dan keutuhannya dapat diperiksa dengan memindai kode QR atau membuka "
            f"<b>{esc(issue.verify_url)}</b>. Cetak pada kertas HVS A4 80 g putih; dapat dicetak "
            f"ulang selama datanya tidak berubah."
        )
        if issue.demo:
            note += " <b>DEMO: sertifikat uji coba, dokumen ini tidak berlaku.</b>"
        paragraph = Paragraph(note, self.styles.footer)
        _, height = paragraph.wrapOn(canvas, self.note_width, spec.footer_height)
        paragraph.drawOn(canvas, left, top - 16 - height)

    def draw_page_number(self, canvas: Canvas, page: int, total: int) -> None:
        """Write ``Halaman X dari Y`` in the footer (called once the page count is known)."""
        canvas.saveState()
        canvas.setFont(self.fonts.regular, 8)
        canvas.setFillColor(colors.black)
        x = self.spec.margin + self.note_width
        y = self.footer_top - 11
        canvas.drawRightString(x, y, f"Halaman {page} dari {total}")
        canvas.restoreState()

    def canvasmaker(self, *args: Any, **kwargs: Any) -> Canvas:
        """A canvas that knows the page count when it saves (for ``Halaman X dari Y``)."""
        return _CountingCanvas(*args, on_page=self.draw_page_number, **kwargs)


class _CountingCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
    """Keeps every page until :meth:`save`, then calls ``on_page(canvas, page, total)`` on each."""

    def __init__(
        self, *args: Any, on_page: Callable[[Canvas, int, int], None], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._on_page = on_page
        self._kept: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._kept.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._kept)
        for number, state in enumerate(self._kept, start=1):
            self.__dict__.update(state)
            self._on_page(self, number, total)
            Canvas.showPage(self)
        Canvas.save(self)


def render(
    story: list[Flowable],
    *,
    issue: Issue,
    title: str,
    spec: PageSpec,
    styles: Styles,
) -> bytes:
    """Lay ``story`` out on A4 pages with the furniture of ``issue``; the PDF's bytes.

    Output is deterministic (reportlab's ``invariant`` mode: fixed dates and file ID), so the
    same input prints the same document again.
    """
    width, height = spec.pagesize
    furniture = _Furniture(issue, spec, styles)
    frame = Frame(
        spec.margin,
        furniture.body_bottom,
        width - 2 * spec.margin,
        furniture.body_top - furniture.body_bottom,
        leftPadding=0,
        rightPadding=0,
        topPadding=5,
        bottomPadding=2,
        id="body",
    )
    buffer = BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=(width, height),
        leftMargin=spec.margin,
        rightMargin=spec.margin,
        topMargin=spec.margin,
        bottomMargin=spec.margin,
        title=title,
        author=issue.office.name,
        subject=f"{title} — {issue.number}",
        creator="adminduk-bot",
        lang="id-ID",
        invariant=1,
        pageCompression=1,
        initialFontName=styles.fonts.regular,
        initialFontSize=9,
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=furniture.draw_page)])
    doc.build(story, canvasmaker=furniture.canvasmaker)
    return buffer.getvalue()


def content_width(spec: PageSpec) -> float:
    """Width of the story frame."""
    return spec.pagesize[0] - 2 * spec.margin
