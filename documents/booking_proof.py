"""Bukti pendaftaran: the proof of a KTP-el recording booking, printed or shown at the door."""

from __future__ import annotations

from reportlab.platypus import Flowable, Spacer, Table

from documents._format import esc, long_date, temperature, time_range
from documents._page import (
    GRID,
    PORTRAIT,
    Styles,
    bullet,
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
from documents.models import BookingProof, Issue
from flows.validators import mask_nik

PROOF_ITEM = "Bukti pendaftaran ini (dicetak, atau ditunjukkan di layar ponsel)"
"""Always on the list of what to bring."""


def health_protocol(max_temperature: float) -> list[str]:
    """The office's health protocol as printed on the proof (DESIGN.md 3, from the office)."""
    return [
        f"Suhu tubuh diperiksa di pintu masuk: paling tinggi {temperature(max_temperature)} "
        "untuk boleh masuk.",
        "Wajib memakai masker selama berada di kantor.",
        "Cuci tangan dengan sabun di tempat cuci tangan dekat pintu masuk, atau gunakan hand "
        "sanitizer yang disediakan.",
        "Jaga jarak dengan pengunjung lain dan ikuti arahan petugas.",
        "Sedang demam, batuk, atau pilek? Jangan datang: ubah jadwal melalui bot.",
    ]


def _code_box(proof: BookingProof, styles: Styles, width: float) -> Table:
    small = styles.centered
    data = [
        [para("Kode pendaftaran", small), para("Nomor antrean", small)],
        [para(proof.code, styles.big), para(str(proof.queue_number), styles.big)],
        [
            para("Sebutkan kode ini di loket", styles.label),
            para(long_date(proof.day, weekday=True), styles.label),
        ],
    ]
    return table(
        data,
        [width * 0.64, width * 0.36],
        styles,
        [
            ("BOX", (0, 0), (-1, -1), 1.6, GRID),
            ("LINEAFTER", (0, 0), (0, -1), 0.8, GRID),
            ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, 0), 5),
            ("BOTTOMPADDING", (0, 1), (-1, 1), 4),
            ("BOTTOMPADDING", (0, -1), (-1, -1), 5),
        ],
    )


def _lists(proof: BookingProof, issue: Issue, styles: Styles, width: float) -> Table:
    """What to bring and notes (left); the health protocol and the signature (right)."""
    column = (width - 10) / 2
    bring = [*proof.bring, PROOF_ITEM]
    notes = [
        "Hanya orang yang namanya tertulis di atas yang dilayani dengan kode ini.",
        "Perekaman: foto, tanda tangan, sidik jari, dan iris mata. Berpakaian rapi; wajah "
        "tidak tertutup (jilbab boleh).",
        "Tidak bisa datang? Batalkan atau ubah jadwal melalui bot agar tempatnya dapat dipakai "
        "warga lain.",
        *proof.notes,
    ]
    left: list[Flowable] = [
        heading("Yang perlu dibawa", styles, column),
        Spacer(1, 3),
        *[bullet(item, styles) for item in bring],
        Spacer(1, 6),
        heading("Catatan", styles, column),
        Spacer(1, 3),
        *[bullet(item, styles) for item in notes],
    ]
    right: list[Flowable] = [
        heading("Protokol kesehatan di kantor", styles, column),
        Spacer(1, 3),
        *[bullet(item, styles) for item in health_protocol(proof.max_temperature)],
        Spacer(1, 10),
        signature_table(issue, styles, width=column),
    ]
    return side_by_side(
        [left, "", right],
        [column, 10, column],
        styles,
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    )


def booking_proof_story(proof: BookingProof, issue: Issue, styles: Styles) -> list[Flowable]:
    """The flowables of a booking proof (without page furniture)."""
    if proof.queue_number < 1:
        raise DocumentDataError("a queue number starts at 1")
    if not proof.code.strip():
        raise DocumentDataError("a booking proof needs its booking code")
    width = content_width(PORTRAIT)
    office = issue.office
    place = markup(f"<b>{esc(office.name)}</b><br/>{esc(office.address)}", styles.body)
    day = markup(f"<b>{esc(long_date(proof.day, weekday=True))}</b>", styles.body)
    details: list[tuple[str, Flowable | str]] = [
        ("Nama", proof.holder_name),
        ("NIK", mask_nik(proof.nik)),
        ("Layanan", proof.service),
        ("Hari, tanggal", day),
        (
            "Waktu kedatangan",
            time_range(proof.arrive_from, proof.arrive_until, proof.timezone_label),
        ),
    ]
    if proof.session:
        details.append(("Sesi", proof.session))
    details.append(("Tempat", place))
    return [
        para("BUKTI PENDAFTARAN", styles.title),
        para(proof.service, styles.subtitle),
        para(f"Nomor: {issue.number}", styles.centered),
        Spacer(1, 6),
        _code_box(proof, styles, width),
        Spacer(1, 6),
        label_value_table(details, styles, width, label_share=0.25),
        Spacer(1, 8),
        _lists(proof, issue, styles, width),
    ]


def render_booking_proof(proof: BookingProof, issue: Issue, *, fonts: Fonts | None = None) -> bytes:
    """The booking proof as a one-page portrait A4 PDF (unsigned; the caller signs it)."""
    styles = styles_for(fonts or default_fonts())
    story = booking_proof_story(proof, issue, styles)
    return render(
        story,
        issue=issue,
        title=f"Bukti Pendaftaran {proof.service}",
        spec=PORTRAIT,
        styles=styles,
    )
