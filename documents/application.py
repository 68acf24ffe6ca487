"""An application form as submitted through the bot (F-1.02, F-1.06, KTP-el replacement).

Printed under the form's official code and name, with the submission reference and date, the
blocks the citizen filled in, and two signature parts: the applicant's (submitted electronically)
and the office's electronic signature.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table

from documents._format import esc, long_date, or_dash
from documents._page import (
    GRID,
    PORTRAIT,
    SHADE,
    Styles,
    content_width,
    heading,
    label_value_table,
    markup,
    para,
    render,
    side_by_side,
    signature_table,
    styles_for,
    table,
)
from documents.errors import DocumentDataError
from documents.fonts import Fonts, default_fonts
from documents.models import ApplicationForm, Block, Checklist, Group, Issue, Section, Statement

GROUP_MIN_HEIGHT = 80.0
"""Room (points) a repeated group needs at the bottom of a page to start there."""


class CheckBox(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """A small square, crossed when ticked: reads the same in black and white."""

    def __init__(self, ticked: bool, size: float = 8.0) -> None:
        super().__init__()
        self.ticked = ticked
        self.size = size

    def wrap(self, _avail_width: float, _avail_height: float) -> tuple[float, float]:
        return self.size, self.size + 2  # sits on the text's baseline in a top-aligned row

    def draw(self) -> None:
        canvas, s = self.canv, self.size
        canvas.setLineWidth(0.8)
        canvas.rect(0, 0, s, s, stroke=1, fill=0)
        if self.ticked:
            canvas.setLineWidth(1.2)
            canvas.line(1.5, 1.5, s - 1.5, s - 1.5)
            canvas.line(1.5, s - 1.5, s - 1.5, 1.5)


def _form_header(form: ApplicationForm, styles: Styles, width: float) -> list[Any]:
    """Title (with the form code boxed at the right, as on the printed forms) and the
    submission line."""
    side = 26 * mm
    titles: list[Any] = [para(form.form_name.upper(), styles.title)]
    if form.subtitle:
        titles.append(para(form.subtitle, styles.subtitle))
    code: Any = ""
    if form.form_code:
        code = table(
            [[para(form.form_code, styles.heading)]],
            [side],
            styles,
            [("BOX", (0, 0), (-1, -1), 1.2, GRID), ("ALIGN", (0, 0), (-1, -1), "CENTER")],
        )
    top = side_by_side(
        ["", titles, code],
        [side, width - 2 * side, side],
        styles,
        ("TOPPADDING", (0, 0), (-1, -1), 0),
    )
    submitted = markup(
        f"Nomor pengajuan <b>{esc(form.reference)}</b> · diajukan "
        f"<b>{esc(long_date(form.submitted_on, weekday=True))}</b> melalui "
        f"{esc(form.channel)}",
        styles.centered,
    )
    return [top, Spacer(1, 2), submitted]


def _section(block: Section, styles: Styles, width: float) -> list[Any]:
    rows = [(label, or_dash(value)) for label, value in block.rows]
    return [
        heading(block.title, styles, width),
        label_value_table(rows, styles, width, label_share=0.34),
    ]


def _group(block: Group, styles: Styles, width: float) -> list[Any]:
    n = len(block.columns)
    for row in block.rows:
        if len(row) != n:
            raise DocumentDataError(
                f"group {block.title!r}: a row has {len(row)} values for {n} columns"
            )
    number_width = 8 * mm
    shares = block.widths or tuple(1.0 for _ in block.columns)
    if len(shares) != n:
        raise DocumentDataError(f"group {block.title!r}: {len(shares)} widths for {n} columns")
    unit = (width - number_width) / sum(shares)
    widths = [number_width, *(share * unit for share in shares)]
    head = [para("No.", styles.cell_head), *(para(c, styles.cell_head) for c in block.columns)]
    body = [
        [para(str(i), styles.cell), *(para(or_dash(v), styles.cell) for v in row)]
        for i, row in enumerate(block.rows, start=1)
    ]
    if not body:
        body = [[para("-", styles.cell), para("(tidak ada)", styles.cell), *[""] * (n - 1)]]
    grid = table(
        [head, *body],
        widths,
        styles,
        [
            ("GRID", (0, 0), (-1, -1), 0.4, GRID),
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ],
        repeatRows=1,
    )
    return [heading(block.title, styles, width), grid]


def _checklist(block: Checklist, styles: Styles, width: float) -> list[Any]:
    """Ticked boxes; in two columns (filled top to bottom) when every item is short."""
    if not block.items:
        return [heading(block.title, styles, width), para("(tidak ada)", styles.body)]
    box = 16
    two = len(block.items) > 2 and all(len(text) <= 48 for text, _ in block.items)
    per_column = (len(block.items) + 1) // 2 if two else len(block.items)
    columns = [block.items[:per_column], block.items[per_column:]] if two else [block.items]
    text_width = (width / len(columns)) - box
    rows: list[list[Any]] = []
    for index in range(per_column):
        row: list[Any] = []
        for column in columns:
            if index < len(column):
                text, ticked = column[index]
                row += [CheckBox(ticked), para(text, styles.body)]
            else:
                row += ["", ""]
        rows.append(row)
    grid = table(
        rows,
        [box, text_width] * len(columns),
        styles,
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ],
    )
    return [heading(block.title, styles, width), Spacer(1, 2), grid]


def _statement(block: Statement, styles: Styles, width: float) -> list[Any]:
    parts: list[Any] = [heading(block.title, styles, width)] if block.title else []
    return [*parts, Spacer(1, 2), para(block.text, styles.body_justified)]


def _block(block: Block, styles: Styles, width: float) -> list[Any]:
    if isinstance(block, Section):
        return _section(block, styles, width)
    if isinstance(block, Group):
        return _group(block, styles, width)
    if isinstance(block, Checklist):
        return _checklist(block, styles, width)
    return _statement(block, styles, width)


def _signatures(form: ApplicationForm, issue: Issue, styles: Styles, width: float) -> Table:
    column = (width - 12) / 2
    applicant = [
        para("Pemohon,", styles.body),
        Spacer(1, 6),
        markup(
            "<b>Diajukan secara elektronik</b><br/>"
            f"melalui {esc(form.channel)} pada {esc(long_date(form.submitted_on))}; "
            "tidak memerlukan tanda tangan basah.",
            styles.small,
        ),
        Spacer(1, 8),
        markup(f"<b><u>{esc(form.applicant_name)}</u></b>", styles.body),
    ]
    office = signature_table(issue, styles, width=column)
    return side_by_side([applicant, "", office], [column, 12, column], styles)


def application_story(form: ApplicationForm, issue: Issue, styles: Styles) -> list[Flowable]:
    """The flowables of a submitted form (without page furniture)."""
    if not form.blocks:
        raise DocumentDataError("an application form needs at least one block")
    width = content_width(PORTRAIT)
    story: list[Flowable] = _form_header(form, styles, width)
    blocks = list(form.blocks)
    closing = blocks.pop() if isinstance(blocks[-1], Statement) else None
    for block in blocks:
        parts = _block(block, styles, width)
        story.append(Spacer(1, 5))
        if isinstance(block, Group):
            # a table may run over pages (its header row repeats); start it on a new page only
            # when the heading and a few rows would not fit here
            story += [CondPageBreak(GROUP_MIN_HEIGHT), *parts]
        else:  # small blocks stay whole, so a heading never ends a page alone
            story.append(KeepTogether(parts))
    # the declaration (when last) and the signatures under it stay on one page; KeepTogether
    # must not be nested (an inner one reports a huge height and forces a page break)
    ending = _block(closing, styles, width) if closing is not None else []
    signatures = _signatures(form, issue, styles, width)
    story += [Spacer(1, 5), KeepTogether([*ending, Spacer(1, 8), signatures])]
    return story


def render_application(form: ApplicationForm, issue: Issue, *, fonts: Fonts | None = None) -> bytes:
    """The submitted form as a portrait A4 PDF, as many pages as it needs (unsigned)."""
    styles = styles_for(fonts or default_fonts())
    title = f"{form.form_code} {form.form_name}" if form.form_code else form.form_name
    return render(
        application_story(form, issue, styles),
        issue=issue,
        title=title,
        spec=PORTRAIT,
        styles=styles,
    )
