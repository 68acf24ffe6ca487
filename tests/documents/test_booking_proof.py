"""The booking proof: code, queue number, day, time, place, what to bring, health protocol."""

from __future__ import annotations

import dataclasses
import re

import pytest

from documents import DocumentDataError, render_booking_proof, samples
from documents.booking_proof import health_protocol
from tests.documents.pdfcheck import page_sizes, text


@pytest.fixture(scope="module")
def content(rendered: dict[tuple[str, bool], bytes]) -> str:
    return text(rendered[("booking-proof", True)])


def test_one_portrait_page(rendered: dict[tuple[str, bool], bytes]) -> None:
    assert len(page_sizes(rendered[("booking-proof", True)])) == 1


@pytest.mark.parametrize(
    "expected",
    [
        "BUKTI PENDAFTARAN",
        "Perekaman KTP-el",
        "KTP-7K4M9Q",
        "Nomor antrean",
        "Senin, 7 Desember 2026",
        "08.00–11.00 WIB",
        "Pagi",
        "Siti Rahayu",
        "Jl. Sarwo Edie Wibowo, Kota Magelang, Jawa Tengah",
        "Fotokopi Kartu Keluarga (KK)",
        "37,5 °C",
        "masker",
        "Cuci tangan dengan sabun",
        "Nomor: 474.11/KTP-7K4M9Q/XII/2026",
    ],
)
def test_contains(content: str, expected: str) -> None:
    assert expected in content.replace("\n", " ")


def test_queue_number_printed_large(content: str) -> None:
    assert re.search(r"\n\s*12\n", content)


def test_nik_is_masked(content: str) -> None:
    assert "3371xxxxxxxx0001" in content
    assert samples.WIFE_NIK not in content


def test_configured_temperature_is_used() -> None:
    proof = dataclasses.replace(samples.booking_proof(), max_temperature=37.3)
    pdf = render_booking_proof(proof, samples.issue("1", "x"))
    assert "37,3 °C" in text(pdf)
    assert health_protocol(38.0)[0].count("38,0 °C") == 1


def test_without_times_or_session() -> None:
    proof = dataclasses.replace(
        samples.booking_proof(), arrive_from=None, arrive_until=None, session=None
    )
    content = text(render_booking_proof(proof, samples.issue("1", "x")))
    assert "Sesi" not in content
    assert "Waktu kedatangan" in content


def test_markup_characters_in_names_are_printed_as_text() -> None:
    proof = dataclasses.replace(samples.booking_proof(), holder_name="Sri <b>Ayu</b> & Co")
    assert "Sri <b>Ayu</b> & Co" in text(render_booking_proof(proof, samples.issue("1", "x")))


@pytest.mark.parametrize(
    ("change", "message"), [({"queue_number": 0}, "queue"), ({"code": " "}, "code")]
)
def test_impossible_data_is_refused(change: dict[str, object], message: str) -> None:
    proof = dataclasses.replace(samples.booking_proof(), **change)  # type: ignore[arg-type]
    with pytest.raises(DocumentDataError, match=message):
        render_booking_proof(proof, samples.issue("1", "x"))
