"""Text formats: NIP grouping, temperatures, times, the date line's place and the position."""

from __future__ import annotations

from datetime import date, time

import pytest

from documents._format import (
    long_date,
    nip,
    or_dash,
    place_name,
    position,
    short_date,
    temperature,
    time_range,
)


def test_nip() -> None:
    assert nip("196801011990031001") == "19680101 199003 1 001"
    assert nip("12345") == "12345"


@pytest.mark.parametrize(("value", "text"), [(37.5, "37,5 °C"), (37.3, "37,3 °C"), (38, "38,0 °C")])
def test_temperature(value: float, text: str) -> None:
    assert temperature(value) == text


def test_times() -> None:
    assert time_range(time(8), time(11, 30), "WIB") == "08.00–11.30 WIB"
    assert time_range(time(8), None, "WITA") == "mulai 08.00 WITA"
    assert time_range(None, time(11), "WIT") == "paling lambat 11.00 WIT"
    assert time_range(None, None, "WIB") == "-"


def test_dates() -> None:
    assert long_date(date(2026, 12, 7), weekday=True) == "Senin, 7 Desember 2026"
    assert long_date(date(2026, 8, 17)) == "17 Agustus 2026"
    assert short_date(date(1990, 8, 17)) == "17-08-1990"
    assert short_date(None) == "-"


def test_place_and_position() -> None:
    assert place_name("Kota Magelang") == "Magelang"
    assert place_name("Kabupaten Sleman") == "Sleman"
    assert place_name("Magelang") == "Magelang"
    office = "Dinas Kependudukan dan Pencatatan Sipil Kota Magelang"
    assert position("Kepala Dinas", office) == (
        "Kepala Dinas Kependudukan dan Pencatatan Sipil Kota Magelang"
    )
    assert position("Plt. Kepala", office) == f"Plt. Kepala {office}"


def test_or_dash() -> None:
    assert or_dash("  ") == "-"
    assert or_dash("x") == "x"
