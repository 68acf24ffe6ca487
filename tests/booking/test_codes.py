"""Booking codes: unambiguous alphabet, format, parsing what citizens type."""

from __future__ import annotations

import re

from booking.codes import CODE_ALPHABET, new_code, normalise_code


def test_alphabet_has_no_look_alikes() -> None:
    assert not set("0O1IL") & set(CODE_ALPHABET)
    assert len(set(CODE_ALPHABET)) == len(CODE_ALPHABET) == 31


def test_codes_have_the_prefix_and_six_symbols() -> None:
    codes = {new_code("KTP") for _ in range(2000)}
    assert len(codes) == 2000
    pattern = re.compile(rf"^KTP-[{CODE_ALPHABET}]{{6}}$")
    assert all(pattern.match(code) for code in codes)


def test_normalise_code() -> None:
    assert normalise_code(" ktp 7k4m9q ") == "KTP-7K4M9Q"
    assert normalise_code("KTP-7K4M9Q") == "KTP-7K4M9Q"
    assert normalise_code("ktp7k4m9q") == "KTP-7K4M9Q"
    assert normalise_code("KTP-7K4M9O") is None  # O is not in the alphabet
    assert normalise_code("hello") is None
