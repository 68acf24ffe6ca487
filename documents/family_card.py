"""The Kartu Keluarga (KK) printout: landscape A4, laid out like the KK issued since 2018.

Header (KK number, head of family, address), the two member tables (identity; then marital
status, relationship, citizenship, documents and parents), the issue date, and the signature
block with the QR code in the bottom right corner. Values print in capitals, as on a real KK.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from documents._format import esc, long_date, or_dash, short_date
from documents._page import (
    GRID,
    LANDSCAPE,
    SHADE,
    Styles,
    content_width,
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
from documents.models import FamilyCard, FamilyMember, Issue

SEX_NAMES = {"L": "LAKI-LAKI", "P": "PEREMPUAN"}

IDENTITY_COLUMNS: tuple[tuple[str, float], ...] = (
    ("No", 16),
    ("Nama Lengkap", 154),
    ("NIK", 76),
    ("Jenis Kelamin", 48),
    ("Tempat Lahir", 78),
    ("Tanggal Lahir", 46),
    ("Agama", 52),
    ("Pendidikan", 108),
    ("Jenis Pekerjaan", 128),
    ("Golongan Darah", 48),
)
"""First member table: column heading and width (points at the usual frame width, scaled)."""

STATUS_COLUMNS: tuple[tuple[str, float], ...] = (
    ("No", 16),
    ("Status Perkawinan", 112),
    ("Tanggal Perkawinan", 50),
    ("Status Hubungan dalam Keluarga", 80),
    ("Kewarganegaraan", 74),
    ("No. Paspor", 66),
    ("No. KITAS/KITAP", 66),
    ("Nama Ayah", 145),
    ("Nama Ibu", 145),
)
"""Second member table: column heading and relative width."""


def _caps(value: str) -> str:
    return or_dash(value).upper()


def _identity_row(number: int, m: FamilyMember) -> list[str]:
    return [
        str(number),
        _caps(m.name),
        m.nik,
        SEX_NAMES.get(m.sex, m.sex),
        _caps(m.birth_place),
        short_date(m.birth_date),
        _caps(m.religion),
        _caps(m.education),
        _caps(m.occupation),
        _caps(m.blood_type),
    ]


def _status_row(number: int, m: FamilyMember) -> list[str]:
    return [
        str(number),
        _caps(m.marital_status),
        short_date(m.marriage_date),
        _caps(m.relationship),
        _caps(m.citizenship),
        _caps(m.passport_number),
        _caps(m.kitas_number),
        _caps(m.father_name),
        _caps(m.mother_name),
    ]


def _member_table(
    columns: tuple[tuple[str, float], ...], rows: list[list[str]], styles: Styles, width: float
) -> Flowable:
    unit = width / sum(share for _, share in columns)
    widths = [share * unit for _, share in columns]
    head = [para(name, styles.cell_head) for name, _ in columns]
    body = [[para(value, styles.cell) for value in row] for row in rows]
    return table(
        [head, *body],
        widths,
        styles,
        [
            ("GRID", (0, 0), (-1, -1), 0.5, GRID),
            ("BOX", (0, 0), (-1, -1), 1, GRID),
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
            ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
            ("VALIGN", (0, 1), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ],
        repeatRows=1,
    )


def _header(card: FamilyCard, styles: Styles, width: float) -> Flowable:
    a = card.address
    left = [
        ("Nama Kepala Keluarga", _caps(card.head_name)),
        ("Alamat", _caps(a.street)),
        ("RT/RW", f"{a.rt.zfill(3)}/{a.rw.zfill(3)}"),
        ("Desa/Kelurahan", _caps(a.kelurahan)),
    ]
    right = [
        ("Kecamatan", _caps(a.kecamatan)),
        ("Kabupaten/Kota", _caps(a.city)),
        ("Kode Pos", or_dash(a.postal_code)),
        ("Provinsi", _caps(a.province)),
    ]
    label_w, gap = 40 * mm, 10 * mm
    value_w = (width - 2 * label_w - gap) / 2
    rows: list[list[Any]] = []
    for (l_label, l_value), (r_label, r_value) in zip(left, right, strict=True):
        rows.append(
            [
                para(l_label, styles.small),
                para(f": {l_value}", styles.body),
                "",
                para(r_label, styles.small),
                para(f": {r_value}", styles.body),
            ]
        )
    return table(
        rows,
        [label_w, value_w, gap, label_w, value_w],
        styles,
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
        ],
    )


def _closing(card: FamilyCard, issue: Issue, styles: Styles, width: float) -> Flowable:
    column = 100 * mm
    left = [
        para(f"Dikeluarkan tanggal: {long_date(issue.issued_on)}", styles.body),
        Spacer(1, 6),
        para("KEPALA KELUARGA", styles.body),
        Spacer(1, 4),
        markup(f"<b>{esc(_caps(card.head_name))}</b>", styles.body),
    ]
    return KeepTogether(
        [
            Spacer(1, 4),
            side_by_side(
                [left, "", signature_table(issue, styles, width=column)],
                [width - 2 * column, column, column],
                styles,
                ("TOPPADDING", (0, 0), (-1, -1), 0),
            ),
        ]
    )


def family_card_story(card: FamilyCard, issue: Issue, styles: Styles) -> list[Flowable]:
    """The flowables of a KK printout (without page furniture)."""
    if not card.members:
        raise DocumentDataError("a KK has at least one member (the head of family)")
    width = content_width(LANDSCAPE)
    identity = [_identity_row(i, m) for i, m in enumerate(card.members, start=1)]
    status = [_status_row(i, m) for i, m in enumerate(card.members, start=1)]
    return [
        para("KARTU KELUARGA", styles.title),
        para(f"No. {card.kk_number}", styles.subtitle),
        para(issue.office.name, styles.centered),
        Spacer(1, 6),
        _header(card, styles, width),
        Spacer(1, 6),
        _member_table(IDENTITY_COLUMNS, identity, styles, width),
        Spacer(1, 5),
        _member_table(STATUS_COLUMNS, status, styles, width),
        _closing(card, issue, styles, width),
    ]


def render_family_card(card: FamilyCard, issue: Issue, *, fonts: Fonts | None = None) -> bytes:
    """The KK printout as a landscape A4 PDF (unsigned; one page for up to about 6 members)."""
    styles = styles_for(fonts or default_fonts())
    return render(
        family_card_story(card, issue, styles),
        issue=issue,
        title=f"Kartu Keluarga {card.kk_number}",
        spec=LANDSCAPE,
        styles=styles,
    )
