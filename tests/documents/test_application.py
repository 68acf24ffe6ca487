"""Submitted forms: official code and name, every block as filled in, long forms over pages."""

from __future__ import annotations

import dataclasses

import pytest

from documents import (
    ApplicationForm,
    Checklist,
    DocumentDataError,
    Group,
    Section,
    Statement,
    render_application,
    samples,
)
from tests.documents.pdfcheck import page_sizes, reader, text


def _flat(pdf: bytes) -> str:
    return " ".join(text(pdf).split())


def test_f102(rendered: dict[tuple[str, bool], bytes]) -> None:
    content = _flat(rendered[("f-1.02", True)])
    for expected in (
        "F-1.02",
        "FORMULIR PENDAFTARAN PERISTIWA KEPENDUDUKAN",
        "Perubahan data Kartu Keluarga",
        "Nomor pengajuan KK-3QF8ZP",
        "Rabu, 2 Desember 2026",
        "Data Pemohon",
        samples.HEAD_NIK,
        samples.KK_NUMBER,
        "Kartu Keluarga: perubahan data",
        "Persyaratan yang dilampirkan",
        "Pemohon,",
        "Diajukan secara elektronik",
        "Budi Santoso",
    ):
        assert expected in content, expected


def test_f106_groups(rendered: dict[tuple[str, bool], bytes]) -> None:
    content = _flat(rendered[("f-1.06", True)])
    for expected in (
        "F-1.06",
        "FORMULIR PERNYATAAN PERUBAHAN ELEMEN DATA KEPENDUDUKAN",
        "Anggota keluarga",
        "Elemen data yang berubah",
        "Semula",
        "Menjadi",
        "Dasar perubahan",
        "SLTA/Sederajat",
        "Diploma IV/Strata I",
        samples.DAUGHTER_NIK,
        samples.SON_NIK,
    ):
        assert expected in content, expected


def test_replacement(rendered: dict[tuple[str, bool], bytes]) -> None:
    content = _flat(rendered[("replacement", True)])
    assert "Permohonan penggantian KTP-el karena hilang" in content
    assert "Keterangan kehilangan" in content
    assert "Siti Rahayu" in content


def test_samples_fit_one_page(rendered: dict[tuple[str, bool], bytes]) -> None:
    for name in ("f-1.02", "f-1.06", "replacement"):
        assert len(page_sizes(rendered[(name, True)])) == 1, name


def test_empty_values_print_a_dash() -> None:
    form = dataclasses.replace(
        samples.application_f102(), blocks=(Section("Data", (("Email", ""),)),)
    )
    assert "Email -" in _flat(render_application(form, samples.issue("1", "x")))


def test_long_group_flows_over_pages_with_headers_repeated() -> None:
    rows = tuple((f"Anggota {i}", f"33710117080{i:05d}", "Anak") for i in range(1, 91))
    form = ApplicationForm(
        form_code="F-1.06",
        form_name="Formulir Pernyataan Perubahan Elemen Data Kependudukan",
        reference="R-1",
        submitted_on=samples.ISSUED,
        applicant_name="Budi Santoso",
        blocks=(
            Group("Anggota keluarga", ("Nama", "NIK", "SHDK"), rows),
            Statement("Pernyataan", samples.DECLARATION),
        ),
    )
    pdf = render_application(form, samples.issue("9", "long"))
    pages = [p.extract_text() for p in reader(pdf).pages]
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Halaman {number} dari {len(pages)}" in page
        assert "NIK" in page  # the header row repeats
    assert "Anggota 90" in pages[-1]
    assert "Ditandatangani secara elektronik" in pages[-1]
    assert "Pernyataan" in pages[-1]


def test_form_without_code() -> None:
    form = dataclasses.replace(samples.application_replacement(), form_code=None)
    content = _flat(render_application(form, samples.issue("1", "x")))
    assert "F-1.02" not in content
    assert "FORMULIR PENDAFTARAN PERISTIWA KEPENDUDUKAN" in content


def test_long_checklist_items_use_one_column() -> None:
    item = "Surat keterangan yang sangat panjang sekali dari kelurahan setempat (asli)"
    form = dataclasses.replace(
        samples.application_f102(),
        blocks=(Checklist("Lampiran", ((item, True), (item + " 2", False), ("Lain", False))),),
    )
    assert item in _flat(render_application(form, samples.issue("1", "x")))


@pytest.mark.parametrize(
    "blocks",
    [
        (),
        (Group("G", ("a", "b"), (("1",),)),),
        (Group("G", ("a", "b"), (("1", "2"),), widths=(1.0,)),),
    ],
)
def test_impossible_forms_are_refused(blocks: tuple[object, ...]) -> None:
    form = dataclasses.replace(samples.application_f102(), blocks=blocks)  # type: ignore[arg-type]
    with pytest.raises(DocumentDataError):
        render_application(form, samples.issue("1", "x"))
