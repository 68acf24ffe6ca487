"""The KK printout: landscape A4, header, both member tables, issue date, signature and QR."""

from __future__ import annotations

import dataclasses

import pytest

from documents import DocumentDataError, render_family_card, samples
from tests.documents.pdfcheck import page_sizes, reader, runs, text


@pytest.fixture(scope="module")
def content(rendered: dict[tuple[str, bool], bytes]) -> str:
    return " ".join(text(rendered[("family-card", True)]).split())


@pytest.mark.parametrize(
    "expected",
    [
        "KARTU KELUARGA",
        f"No. {samples.KK_NUMBER}",
        "Nama Kepala Keluarga",
        ": BUDI SANTOSO",
        ": JL. TIDAR NO. 12",
        ": 001/004",
        ": MAGERSARI",
        ": MAGELANG SELATAN",
        ": KOTA MAGELANG",
        ": 56126",
        ": JAWA TENGAH",
        "Nama Lengkap",
        "Jenis Kelamin",
        "Tempat Lahir",
        "Tanggal Lahir",
        "Agama",
        "Pendidikan",
        "Jenis Pekerjaan",
        "Golongan Darah",
        "Status Perkawinan",
        "Tanggal Perkawinan",
        "Status Hubungan dalam Keluarga",
        "Kewarganegaraan",
        "No. Paspor",
        "No. KITAS/KITAP",
        "Nama Ayah",
        "Nama Ibu",
        samples.HEAD_NIK,
        samples.WIFE_NIK,
        samples.DAUGHTER_NIK,
        samples.SON_NIK,
        "PEREMPUAN",
        "LAKI-LAKI",
        "17-08-1990",
        "30-06-2012",
        "KAWIN TERCATAT",
        "KEPALA KELUARGA",
        "NUR'AINI",
        "Dikeluarkan tanggal: 3 Desember 2026",
        "Dinas Kependudukan dan Pencatatan Sipil Kota Magelang",
    ],
)
def test_contains(content: str, expected: str) -> None:
    assert expected in content


def test_landscape_single_page(rendered: dict[tuple[str, bool], bytes]) -> None:
    sizes = page_sizes(rendered[("family-card", True)])
    assert len(sizes) == 1
    width, height = sizes[0]
    assert width > height


def test_qr_caption_is_bottom_right(rendered: dict[tuple[str, bool], bytes]) -> None:
    pdf = rendered[("family-card", True)]
    width, _ = page_sizes(pdf)[0]
    caption = next(r for r in runs(pdf) if r.text == "Pindai untuk verifikasi")
    assert caption.x > width * 0.8
    assert caption.y < 60


def test_ten_members_still_print(rendered: dict[tuple[str, bool], bytes]) -> None:
    card = samples.family_card()
    child = card.members[-1]
    extra = tuple(
        dataclasses.replace(child, name=f"Anak {i}", nik=f"33710103091800{i:02d}")
        for i in range(5, 11)
    )
    pdf = render_family_card(
        dataclasses.replace(card, members=card.members + extra), samples.issue("1", "x")
    )
    pages = [p.extract_text() for p in reader(pdf).pages]
    whole = " ".join(" ".join(pages).split())
    assert "ANAK 10" in whole
    assert "Ditandatangani secara elektronik" in pages[-1]


def test_no_members_is_refused() -> None:
    with pytest.raises(DocumentDataError):
        render_family_card(
            dataclasses.replace(samples.family_card(), members=()), samples.issue("1", "x")
        )
