"""Tests for flows.validators: every rule, good and bad inputs, and properties.

All NIK and KK numbers here are synthetic (3371015708900001: Kota Magelang, a woman born
17-08-1990, serial 0001); none belongs to a real person.
"""

from __future__ import annotations

import ast
import re
import socket
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from flows import validators
from flows.text import Invalid, Lang
from flows.validators import (
    MONTHS,
    NO_WORDS,
    PROVINCES,
    YES_WORDS,
    NikInfo,
    format_date,
    mask_nik,
    nik_mismatches,
    parse_date,
    parse_email,
    parse_kk,
    parse_name,
    parse_nik,
    parse_number,
    parse_phone,
    parse_temperature,
    parse_yes_no,
)

TODAY = date(2026, 6, 15)
NIK = "3371015708900001"  # synthetic: Kota Magelang, woman, 17-08-1990, serial 0001
NIK_MAN = "3308011708900002"  # synthetic: Kabupaten Magelang, man, 17-08-1990
KK = "3371012005180003"  # synthetic


def rejected(func: Callable[..., object], *args: Any, **kwargs: Any) -> Invalid:
    """Call ``func`` expecting Invalid, check the message is usable, and return the error."""
    with pytest.raises(Invalid) as caught:
        func(*args, **kwargs)
    check_message(caught.value)
    return caught.value


def check_message(error: Invalid) -> None:
    """Both languages present, different, and each gives an example."""
    message = error.message
    assert message.id.strip()
    assert message.en.strip()
    assert message.id != message.en
    assert "Contoh" in message.id, message.id
    assert "Example" in message.en, message.en
    assert str(error) == message.en


# --------------------------------------------------------------------------------------------
# Module rules
# --------------------------------------------------------------------------------------------


def test_module_imports_only_stdlib_phonenumbers_email_validator_and_flows() -> None:
    tree = ast.parse(Path(validators.__file__).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    allowed = {
        "__future__",
        "calendar",
        "collections",
        "dataclasses",
        "datetime",
        "decimal",
        "math",
        "re",
        "types",
        "typing",
        "unicodedata",
        "phonenumbers",
        "email_validator",
        "flows",
    }
    assert imported <= allowed


def test_every_public_name_has_a_docstring() -> None:
    for name in validators.__all__:
        obj = getattr(validators, name)
        if callable(obj):
            assert obj.__doc__, name


def test_provinces_are_the_38_codes_of_the_design() -> None:
    codes = {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53}
    codes |= {61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96}
    assert len(codes) == 38
    assert set(PROVINCES) == {str(code) for code in codes}
    assert PROVINCES["33"] == "Jawa Tengah"
    assert PROVINCES["96"] == "Papua Barat Daya"
    with pytest.raises(TypeError):
        PROVINCES["99"] = "Nowhere"  # type: ignore[index]


@pytest.mark.parametrize(
    ("word", "month"),
    [
        ("januari", 1),
        ("jan", 1),
        ("februari", 2),
        ("feb", 2),
        ("pebruari", 2),
        ("maret", 3),
        ("mar", 3),
        ("april", 4),
        ("apr", 4),
        ("mei", 5),
        ("may", 5),
        ("juni", 6),
        ("jun", 6),
        ("juli", 7),
        ("jul", 7),
        ("agustus", 8),
        ("agu", 8),
        ("agt", 8),
        ("ags", 8),
        ("aug", 8),
        ("september", 9),
        ("sep", 9),
        ("sept", 9),
        ("oktober", 10),
        ("okt", 10),
        ("october", 10),
        ("oct", 10),
        ("november", 11),
        ("nov", 11),
        ("nop", 11),
        ("desember", 12),
        ("des", 12),
        ("december", 12),
        ("dec", 12),
    ],
)
def test_months_know_indonesian_and_english_names(word: str, month: int) -> None:
    assert MONTHS[word] == month
    assert parse_date(f"1 {word.upper()} 2000", today=TODAY) == date(2000, month, 1)


# --------------------------------------------------------------------------------------------
# NIK
# --------------------------------------------------------------------------------------------


def test_parse_nik_decodes_every_part() -> None:
    info = parse_nik(NIK, today=TODAY)
    assert info == NikInfo(
        nik=NIK,
        province_code="33",
        province="Jawa Tengah",
        regency_code="71",
        is_city=True,
        district_code="01",
        birth_date=date(1990, 8, 17),
        sex="P",
        serial="0001",
    )


def test_parse_nik_man_in_a_regency() -> None:
    info = parse_nik(NIK_MAN, today=TODAY)
    assert info.sex == "L"
    assert info.birth_date == date(1990, 8, 17)
    assert info.regency_code == "08"
    assert not info.is_city
    assert info.serial == "0002"


@pytest.mark.parametrize(
    "typed",
    [
        "3371015708900001",
        "3371 0157 0890 0001",
        "33.71.01.570890.0001",
        "33-71-01-570890-0001",
        "  3371015708900001\n",
        "3371\u00a00157\u00a00890\u00a00001",  # no-break spaces from copy and paste
        "3371\u200b015708900001",  # zero-width space from copy and paste
        "33–71–01–570890–0001",  # en dashes from a phone keyboard
    ],
)
def test_parse_nik_accepts_separators(typed: str) -> None:
    assert parse_nik(typed, today=TODAY).nik == NIK


def test_parse_nik_wrong_length_says_how_many_digits() -> None:
    error = rejected(parse_nik, "337101570890000", today=TODAY)
    assert error.message.id == (
        "NIK harus 16 angka; yang Anda ketik 15 angka. Contoh: 3371015708900001."
    )
    assert error.message.en == "A NIK has 16 digits; you typed 15. Example: 3371015708900001."
    assert "17 angka" in rejected(parse_nik, NIK + "1").message.id


def test_parse_nik_empty_asks_for_it() -> None:
    for typed in ("", "   ", " - . "):
        assert "Silakan ketik NIK" in rejected(parse_nik, typed).message.id


@pytest.mark.parametrize(
    ("typed", "shown", "hint"),
    [
        ("3371O15708900001", '"O"', "angka 0"),
        ("3371l15708900001", '"l"', "angka 1"),
        ("3371x15708900001", '"x"', None),
        ("3371/15708900001", '"/"', None),
        ("337101570890000١", '"١"', None),  # Arabic-Indic digit one: not an ASCII digit
    ],
)
def test_parse_nik_names_a_character_that_is_not_a_digit(
    typed: str, shown: str, hint: str | None
) -> None:
    message = rejected(parse_nik, typed).message
    assert shown in message.id
    assert shown in message.en
    if hint:
        assert hint in message.id


def test_parse_nik_unknown_province_names_the_code() -> None:
    message = rejected(parse_nik, "1071015708900001").message
    assert "Kode provinsi 10" in message.id
    assert "Province code 10" in message.en


@pytest.mark.parametrize("regency", ["00", "70"])
def test_parse_nik_rejects_regency_codes_out_of_range(regency: str) -> None:
    message = rejected(parse_nik, f"33{regency}015708900001").message
    assert f"kabupaten/kota {regency}" in message.id
    assert "71-99" in message.en


def test_parse_nik_rejects_district_00() -> None:
    assert "kecamatan 00" in rejected(parse_nik, "3371005708900001").message.id


@pytest.mark.parametrize(
    "birth",
    [
        "320890",  # day 32
        "400890",  # day 40: neither a man's day nor a woman's (41-71)
        "720890",  # day 72 (a woman's 32)
        "000890",  # day 0
        "171390",  # month 13
        "170090",  # month 0
        "310290",  # 31 February
        "290201",  # 29 February 2001
        "690290",  # a woman's 29 February 1990
    ],
)
def test_parse_nik_rejects_impossible_birth_dates(birth: str) -> None:
    message = rejected(parse_nik, f"337101{birth}0001", today=TODAY).message
    assert "tidak membentuk tanggal" in message.id
    assert "40" in message.en


def test_parse_nik_accepts_29_february_of_a_leap_year() -> None:
    assert parse_nik("3371012902000001", today=TODAY).birth_date == date(2000, 2, 29)
    assert parse_nik("3371016902880001", today=TODAY).birth_date == date(1988, 2, 29)


def test_parse_nik_rejects_serial_0000() -> None:
    assert "0000" in rejected(parse_nik, "3371015708900000").message.id


def test_parse_nik_century_from_today() -> None:
    # Born on or before today in 20yy: 20yy; after today: 19yy.
    assert parse_nik("3371011506260001", today=TODAY).birth_date == date(2026, 6, 15)
    assert parse_nik("3371011606260001", today=TODAY).birth_date == date(1926, 6, 16)
    assert parse_nik("3371010101000001", today=TODAY).birth_date == date(2000, 1, 1)
    assert parse_nik("3371013112990001", today=TODAY).birth_date == date(1999, 12, 31)


def test_parse_nik_century_without_today_is_documented_rule() -> None:
    assert parse_nik("3371010101300001").birth_date == date(2030, 1, 1)
    assert parse_nik("3371010101310001").birth_date == date(1931, 1, 1)


def test_nik_info_repr_masks_the_nik() -> None:
    info = parse_nik(NIK, today=TODAY)
    assert NIK not in repr(info)
    assert "3371xxxxxxxx0001" in repr(info)


def test_nik_messages_never_repeat_the_typed_number() -> None:
    for typed in ("1071015708900001", "3371013202900001", "33710157089000012"):
        error = rejected(parse_nik, typed)
        assert typed not in error.message.id
        assert typed not in error.message.en


# --------------------------------------------------------------------------------------------
# NIK against declared data
# --------------------------------------------------------------------------------------------


def test_nik_mismatches_empty_when_consistent_or_unknown() -> None:
    info = parse_nik(NIK, today=TODAY)
    assert nik_mismatches(info, birth_date=date(1990, 8, 17), sex="P") == ()
    assert nik_mismatches(info, birth_date=None, sex=None) == ()


def test_nik_mismatches_birth_date() -> None:
    info = parse_nik(NIK, today=TODAY)
    (warning,) = nik_mismatches(info, birth_date=date(1990, 8, 18), sex=None)
    assert warning.id == (
        "NIK Anda menunjukkan tanggal lahir 17-08-1990, sedangkan Anda menulis 18-08-1990."
    )
    assert "17-08-1990" in warning.en
    assert "18-08-1990" in warning.en


def test_nik_mismatches_sex() -> None:
    info = parse_nik(NIK, today=TODAY)
    (warning,) = nik_mismatches(info, birth_date=None, sex="L")
    assert warning.id == "NIK menunjukkan perempuan, sedangkan Anda memilih laki-laki."
    assert "female" in warning.en
    assert "male" in warning.en.replace("female", "")


def test_nik_mismatches_both() -> None:
    info = parse_nik(NIK_MAN, today=TODAY)
    warnings = nik_mismatches(info, birth_date=date(1991, 8, 17), sex="P")
    assert len(warnings) == 2
    assert all(w.id and w.en and w.id != w.en for w in warnings)


def test_nik_mismatches_ignores_the_century_a_two_digit_year_cannot_tell() -> None:
    # Born 1925: on 15 June 2026 the NIK's "25" reads as 2025.
    info = parse_nik("3371011003250001", today=TODAY)
    assert info.birth_date == date(2025, 3, 10)
    assert nik_mismatches(info, birth_date=date(1925, 3, 10), sex="L") == ()


# --------------------------------------------------------------------------------------------
# KK number
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", [KK, "3371 0120 0518 0003", "33.71.01.200518.0003", "3371-01-200518-0003"]
)
def test_parse_kk_accepts_and_normalises(typed: str) -> None:
    assert parse_kk(typed) == KK


def test_parse_kk_does_not_check_the_recording_part() -> None:
    assert parse_kk("3371019999990000") == "3371019999990000"


@pytest.mark.parametrize(
    ("typed", "snippet"),
    [
        ("337101200518000", "16 angka; yang Anda ketik 15"),
        ("", "Silakan ketik nomor KK"),
        ("3371O12005180003", '"O"'),
        ("2071012005180003", "Kode provinsi 20"),
        ("3300012005180003", "kabupaten/kota 00"),
        ("3370012005180003", "kabupaten/kota 70"),
        ("3371002005180003", "kecamatan 00"),
    ],
)
def test_parse_kk_rejections(typed: str, snippet: str) -> None:
    message = rejected(parse_kk, typed).message
    assert snippet in message.id
    assert "KK" in message.en
    if len(typed) >= 8:
        assert typed not in (message.id + message.en).replace(KK, "")


def test_parse_kk_message_starts_with_a_capital() -> None:
    assert rejected(parse_kk, "123").message.id.startswith("Nomor KK harus 16 angka")


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "new", "expected"),
    [
        ("siti   aminah", True, "SITI AMINAH"),
        ("  Siti\tAminah \n", True, "SITI AMINAH"),
        ("Ma'ruf Amin", True, "MA'RUF AMIN"),
        ("Ma’ruf Amin", True, "MA'RUF AMIN"),  # typographic apostrophe from a phone
        ("Abdul-Rahman Wahid", True, "ABDUL-RAHMAN WAHID"),
        ("Sukarno", False, "SUKARNO"),
        ("M Rizki", False, "M RIZKI"),  # already registered: kept as recorded
        ("A" * 30 + " " + "B" * 29, True, "A" * 30 + " " + "B" * 29),  # exactly 60
    ],
)
def test_parse_name_accepts(typed: str, new: bool, expected: str) -> None:
    assert parse_name(typed, new_registration=new) == expected


@pytest.mark.parametrize(
    ("typed", "new", "snippet_id", "snippet_en"),
    [
        ("", True, "Silakan ketik nama", "Please type"),
        ("Siti Aminah 2", True, "angka", "digits"),
        ("M. Rizki", False, "disingkat", "abbreviated"),
        ("Muhammad Rizki.", True, "titik", "dot"),
        ("José Rizal", True, '"é"', '"é"'),
        ("Siti_Aminah", False, '"_"', '"_"'),
        ("Siti, Aminah", False, '","', '","'),
        ("A" * 31 + " " + "B" * 29, False, "yang Anda ketik 61", "you typed 61"),
        ("Sukarno", True, "dua kata", "two words"),
        ("M Rizki", True, 'Kata "M"', '"M"'),
        ("Muhammad r", True, 'Kata "R"', '"R"'),
        ("'Siti Aminah", False, "di antara dua huruf", "between two letters"),
        ("Siti- Aminah", False, "di antara dua huruf", "between two letters"),
        ("Nur--Aini", False, "di antara dua huruf", "between two letters"),
        ("- -", False, "di antara dua huruf", "between two letters"),
    ],
)
def test_parse_name_rejections(typed: str, new: bool, snippet_id: str, snippet_en: str) -> None:
    message = rejected(parse_name, typed, new_registration=new).message
    assert snippet_id in message.id
    assert snippet_en in message.en


def test_parse_name_suggests_the_plain_letter_for_a_diacritic() -> None:
    message = rejected(parse_name, "Andrés Bonifacio", new_registration=False).message
    assert "jadi E" in message.id


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "17-08-1990",
        "17/8/1990",
        "17.08.1990",
        "17 08 1990",
        "17081990",
        "17 Agustus 1990",
        "17 agustus 1990",
        "17 agu 1990",
        "17 Agt. 1990",
        "17-Ags-1990",
        "17 August 1990",
        "17 Aug 1990",
        "August 17, 1990",
        "1990-08-17",
        "Jumat, 17 Agustus 1990",
        "Jum'at, 17 Agustus 1990",
        "Friday, 17 August 1990",
        "tanggal 17 Agustus 1990",
        "  17 - 08 - 1990 ",
    ],
)
def test_parse_date_accepts_common_forms(typed: str) -> None:
    assert parse_date(typed, today=TODAY) == date(1990, 8, 17)


def test_parse_date_is_day_first() -> None:
    assert parse_date("05-06-2020", today=TODAY) == date(2020, 6, 5)


@pytest.mark.parametrize(
    ("typed", "snippet_id", "snippet_en"),
    [
        ("", "Silakan ketik tanggal", "Please type the date"),
        ("17-08-90", "bukan 90", "not 90"),
        ("170890", "4 angka", "4 digits"),
        ("17-08-199", "bukan 199", "4 digits"),
        ("31-02-1990", "Februari 1990 hanya sampai tanggal 28", "has 28 days"),
        ("29-02-1900", "Februari 1900 hanya sampai tanggal 28", "February 1900"),
        ("32-01-1990", "Januari 1990 hanya sampai tanggal 31", "no day 32"),
        ("00-01-1990", "Tanggal 0 tidak ada", "no day 0"),
        ("17-13-1990", "Bulan 13 tidak ada", "no month 13"),
        ("17-08-0000", "Tahun 0000", "year 0000"),
        ("17 agsts 1990", '"agsts"', '"agsts"'),
        ("kemarin", "belum bisa dibaca", "could not be read"),
        ("17-08", "belum bisa dibaca", "could not be read"),
        ("17-08-1990-1", "belum bisa dibaca", "could not be read"),
        ("170-08-1990", "belum bisa dibaca", "could not be read"),
        ("17#08#1990", "belum bisa dibaca", "could not be read"),
        ("Selasa, 7 Desember 2026", "hari Senin, bukan Selasa", "a Monday, not a Tuesday"),
    ],
)
def test_parse_date_rejections(typed: str, snippet_id: str, snippet_en: str) -> None:
    message = rejected(parse_date, typed, today=TODAY).message
    assert snippet_id in message.id
    assert snippet_en in message.en


def test_parse_date_past_only() -> None:
    assert parse_date("15-06-2026", today=TODAY, past_only=True) == TODAY
    message = rejected(parse_date, "16-06-2026", today=TODAY, past_only=True).message
    assert message.id == "Tanggal paling lambat 15 Juni 2026 (hari ini). Contoh: 15-06-2026."
    assert "on or before 15 June 2026 (today)" in message.en


def test_parse_date_future_only() -> None:
    assert parse_date("15-06-2026", today=TODAY, future_only=True) == TODAY
    message = rejected(parse_date, "14-06-2026", today=TODAY, future_only=True).message
    assert "paling awal 15 Juni 2026 (hari ini)" in message.id
    assert "on or after 15 June 2026 (today)" in message.en


def test_parse_date_range_says_both_ends() -> None:
    low, high = date(2026, 6, 16), date(2026, 7, 15)
    assert parse_date("16-06-2026", today=TODAY, min_date=low, max_date=high) == low
    assert parse_date("15-07-2026", today=TODAY, min_date=low, max_date=high) == high
    message = rejected(parse_date, "16-07-2026", today=TODAY, min_date=low, max_date=high).message
    assert "antara 16 Juni 2026 dan 15 Juli 2026" in message.id
    assert "between 16 June 2026 and 15 July 2026" in message.en


def test_parse_date_past_only_with_min_date() -> None:
    message = rejected(
        parse_date, "31-12-1899", today=TODAY, past_only=True, min_date=date(1900, 1, 1)
    ).message
    assert "antara 1 Januari 1900 dan 15 Juni 2026 (hari ini)" in message.id


def test_parse_date_contradictory_bounds_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="no date can satisfy") as caught:
        parse_date("17-08-1990", today=TODAY, past_only=True, min_date=date(2027, 1, 1))
    assert not isinstance(caught.value, Invalid)


@pytest.mark.parametrize(
    ("day", "lang", "weekday", "expected"),
    [
        (date(1990, 8, 17), "id", False, "17 Agustus 1990"),
        (date(1990, 8, 17), "en", False, "17 August 1990"),
        (date(2026, 12, 7), "id", True, "Senin, 7 Desember 2026"),
        (date(2026, 12, 7), "en", True, "Monday, 7 December 2026"),
        (date(2026, 5, 1), "id", True, "Jumat, 1 Mei 2026"),
        (date(2026, 5, 3), "en", True, "Sunday, 3 May 2026"),
    ],
)
def test_format_date(day: date, lang: Lang, weekday: bool, expected: str) -> None:
    assert format_date(day, lang, weekday=weekday) == expected


# --------------------------------------------------------------------------------------------
# Phone
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("62812-3456-7890", "+6281234567890"),
        ("081234567890", "+6281234567890"),
        ("(0293) 362123", "+62293362123"),
        ("0293 3621234", "+622933621234"),
        ("021-1234-5678", "+622112345678"),
        (" +6281234567890 ", "+6281234567890"),
    ],
)
def test_parse_phone_normalises_to_e164(typed: str, expected: str) -> None:
    assert parse_phone(typed) == expected


@pytest.mark.parametrize(
    ("typed", "snippet_id"),
    [
        ("+1 650 253 0000", "hanya nomor Indonesia"),
        ("+65 6123 4567", "hanya nomor Indonesia"),
        ("12", "bukan nomor HP atau telepon rumah"),
        ("08123", "bukan nomor HP atau telepon rumah"),
        ("081234567890123", "bukan nomor HP atau telepon rumah"),
        ("0800 1 234 567", "bukan nomor HP atau telepon rumah"),  # toll-free: cannot call back
        ("+999 123 456", "bukan nomor HP atau telepon rumah"),
        ("0812 CALL ME", '"C"'),
        ("0812-3456-7890 ext. 5", '"e"'),
        ("", "Silakan ketik nomor"),
    ],
)
def test_parse_phone_rejections(typed: str, snippet_id: str) -> None:
    message = rejected(parse_phone, typed).message
    assert snippet_id in message.id
    digits = re.sub(r"\D", "", typed)
    if len(digits) >= 6:
        assert digits not in message.id + message.en


# --------------------------------------------------------------------------------------------
# Email
# --------------------------------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any attempt to open a socket or resolve a name fail the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        pytest.fail("the validators must not use the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("nama@contoh.com", "nama@contoh.com"),
        ("Siti.Aminah@Yahoo.CO.ID", "Siti.Aminah@yahoo.co.id"),
        ("  nama@contoh.com\n", "nama@contoh.com"),
        ("nama+kk@gmail.com", "nama+kk@gmail.com"),
        ("warga@magelangkota.go.id", "warga@magelangkota.go.id"),
    ],
)
def test_parse_email_accepts_without_network(typed: str, expected: str) -> None:
    assert parse_email(typed) == expected


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize(
    ("typed", "snippet_id", "snippet_en"),
    [
        ("", "Silakan ketik alamat email", "Please type"),
        ("namagmail.com", "tanda @", "@ sign"),
        ("a@b@contoh.com", "satu tanda @", "one @ sign"),
        ("nama @gmail.com", "spasi", "spaces"),
        ("@gmail.com", "sebelum tanda @", "before the @"),
        ("nama@", "setelah tanda @ belum diisi", "missing"),
        ("nama@gmail", "maksud Anda @gmail.com?", "did you mean @gmail.com?"),
        ("nama@Yahoo", "maksud Anda @yahoo.com?", "did you mean @yahoo.com?"),
        ("nama@kantor", "belum lengkap", "incomplete"),
        ("nama@gmail..com", "belum benar", "not valid"),
        ("nama@contoh.test", "belum benar", "not valid"),
    ],
)
def test_parse_email_rejections(typed: str, snippet_id: str, snippet_en: str) -> None:
    message = rejected(parse_email, typed).message
    assert snippet_id in message.id
    assert snippet_en in message.en
    assert "nama@contoh.com" in message.id
    if "nama" in typed:
        assert typed.strip() not in message.id.replace("nama@contoh.com", "")


# --------------------------------------------------------------------------------------------
# Numbers and temperature
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kwargs", "expected"),
    [
        ("25", {}, 25),
        (" 25 ", {}, 25),
        ("1 234", {}, 1234),
        ("1 234 567", {}, 1234567),
        ("-3", {}, -3),
        ("−3", {}, -3),  # a typographic minus sign, on purpose
        ("0", {"minimum": 0, "maximum": 10}, 0),
        ("10", {"minimum": 0, "maximum": 10}, 10),
        ("2,5", {"integer": False}, 2.5),
        ("2.5", {"integer": False}, 2.5),
        ("3", {"integer": False}, 3.0),
        ("1 234,5", {"integer": False}, 1234.5),
    ],
)
def test_parse_number_accepts(typed: str, kwargs: dict[str, Any], expected: float) -> None:
    value = parse_number(typed, **kwargs)
    assert value == expected
    assert isinstance(value, int) is kwargs.get("integer", True)


@pytest.mark.parametrize(
    ("typed", "kwargs", "snippet_id", "snippet_en"),
    [
        ("1.234", {}, "bilangan bulat", "whole number"),
        ("2,5", {}, "bilangan bulat", "whole number"),
        ("dua", {}, "angka saja", "one number"),
        ("", {}, "angka saja", "one number"),
        ("12 34", {}, "angka saja", "one number"),
        ("1.234,5", {"integer": False}, "angka saja", "one number"),
        ("5.", {"integer": False}, "angka saja", "one number"),
        ("11", {"minimum": 1, "maximum": 10}, "antara 1 dan 10", "between 1 and 10"),
        ("0", {"minimum": 1}, "paling kecil 1", "at least 1"),
        ("31", {"maximum": 30}, "paling besar 30", "at most 30"),
        ("0,4", {"minimum": 0.5, "integer": False}, "paling kecil 0,5", "at least 0.5"),
        ("9" * 40, {}, "terlalu panjang", "too long"),
    ],
)
def test_parse_number_rejections(
    typed: str, kwargs: dict[str, Any], snippet_id: str, snippet_en: str
) -> None:
    message = rejected(parse_number, typed, **kwargs).message
    assert snippet_id in message.id
    assert snippet_en in message.en


def test_parse_number_range_example_is_in_range() -> None:
    message = rejected(parse_number, "x", minimum=17, maximum=120).message
    assert message.id.endswith("Contoh: 17.")


def test_parse_number_integer_example_is_a_whole_number() -> None:
    message = rejected(parse_number, "x", minimum=0.5).message
    assert message.id.endswith("Contoh: 1.")


def test_parse_number_contradictory_range_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="above maximum") as caught:
        parse_number("5", minimum=10, maximum=1)
    assert not isinstance(caught.value, Invalid)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("36,5", 36.5),
        ("36.5", 36.5),
        ("36.5 C", 36.5),
        ("36,5°C", 36.5),
        ("36,5 ° c", 36.5),
        ("37,5 derajat celsius", 37.5),
        ("37", 37.0),
        ("36,45", 36.5),  # half up, not to even
        ("36,44", 36.4),
        ("34", 34.0),
        ("43,0", 43.0),
    ],
)
def test_parse_temperature_accepts(typed: str, expected: float) -> None:
    assert parse_temperature(typed) == expected


@pytest.mark.parametrize(
    ("typed", "snippet_id", "snippet_en"),
    [
        ("98.6", "Fahrenheit", "Celsius"),
        ("98,6 F", "Fahrenheit", "Celsius"),
        ("100", "Fahrenheit", "Celsius"),
        ("37 F", "Fahrenheit", "Celsius"),
        ("33,9", "antara 34 dan 43", "between 34 and 43"),
        ("43,1", "antara 34 dan 43", "between 34 and 43"),
        ("0", "antara 34 dan 43", "between 34 and 43"),
        ("365", "Maksud Anda 36,5 °C?", "Did you mean 36.5 °C?"),
        ("9" * 40, "antara 34 dan 43", "between 34 and 43"),
        ("demam", "Ketik suhu", "body temperature"),
        ("-36", "Ketik suhu", "body temperature"),
        ("", "Ketik suhu", "body temperature"),
    ],
)
def test_parse_temperature_rejections(typed: str, snippet_id: str, snippet_en: str) -> None:
    message = rejected(parse_temperature, typed).message
    assert snippet_id in message.id
    assert snippet_en in message.en


# --------------------------------------------------------------------------------------------
# Masking and yes/no
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (NIK, "3371xxxxxxxx0001"),
        (KK, "3371xxxxxxxx0003"),
        ("337101570890000", "xxxxxxxxxxxxx00"),
        ("3371 0157 0890 0001", "xxxxxxxxxxxxxxxxx01"),
        ("abc", "xbc"),
        ("12", "xx"),
        ("", ""),
    ],
)
def test_mask_nik(value: str, expected: str) -> None:
    assert mask_nik(value) == expected


@pytest.mark.parametrize(
    "typed", ["ya", "Ya", " YA ", "y", "iya", "yes", "benar", "setuju", "ok", "OK!", "oke", "ya."]
)
def test_parse_yes(typed: str) -> None:
    assert parse_yes_no(typed) is True


@pytest.mark.parametrize(
    "typed", ["tidak", "Tidak", "t", "no", "n", "bukan", "tidak setuju", "Tidak  setuju", "tdk"]
)
def test_parse_no(typed: str) -> None:
    assert parse_yes_no(typed) is False


@pytest.mark.parametrize("typed", ["", "mungkin", "yaa tidak", "2"])
def test_parse_yes_no_rejections(typed: str) -> None:
    assert "Jawab ya atau tidak" in rejected(parse_yes_no, typed).message.id


def test_yes_and_no_words_do_not_overlap() -> None:
    assert not YES_WORDS & NO_WORDS
    assert all(w == w.lower().strip() for w in YES_WORDS | NO_WORDS)


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

PARSERS: dict[str, Callable[[str], object]] = {
    "nik": lambda s: parse_nik(s, today=TODAY),
    "nik_without_today": parse_nik,
    "kk": parse_kk,
    "name_new": lambda s: parse_name(s, new_registration=True),
    "name_registered": lambda s: parse_name(s, new_registration=False),
    "date": lambda s: parse_date(s, today=TODAY),
    "date_bounded": lambda s: parse_date(s, today=TODAY, past_only=True, min_date=date(1900, 1, 1)),
    "date_future": lambda s: parse_date(s, today=TODAY, future_only=True),
    "phone": parse_phone,
    "email": parse_email,
    "integer": parse_number,
    "integer_range": lambda s: parse_number(s, minimum=-5, maximum=5),
    "decimal": lambda s: parse_number(s, integer=False, minimum=0.5),
    "temperature": parse_temperature,
    "yes_no": parse_yes_no,
}

TYPABLE = st.text(
    alphabet="0123456789 .,-/+()@'’°:xX" + "aAbcdeEgiklmnOpstuyzé\u00a0\u200b\t",
    max_size=40,
)
ANY_TEXT = st.one_of(st.text(), TYPABLE)


@pytest.mark.parametrize("name", sorted(PARSERS))
@settings(deadline=None, max_examples=150)
@given(typed=ANY_TEXT)
def test_parsers_return_or_raise_invalid_only(name: str, typed: str) -> None:
    try:
        PARSERS[name](typed)
    except Invalid as error:
        check_message(error)


@st.composite
def nik_typings(draw: st.DrawFn) -> tuple[str, dict[str, object]]:
    """A valid synthetic NIK as a citizen might type it, and the parts it must decode to."""
    province = draw(st.sampled_from(sorted(PROVINCES)))
    regency = draw(st.integers(1, 69) | st.integers(71, 99))
    district = draw(st.integers(1, 99))
    # Births within the 100 years up to TODAY, so the two-digit year names one century.
    born = draw(st.dates(min_value=date(1926, 6, 16), max_value=TODAY))
    sex = draw(st.sampled_from(["L", "P"]))
    serial = draw(st.integers(1, 9999))
    day = born.day + (40 if sex == "P" else 0)
    digits = (
        f"{province}{regency:02d}{district:02d}{day:02d}{born.month:02d}{born.year % 100:02d}"
        f"{serial:04d}"
    )
    separator = draw(st.sampled_from(["", " ", ".", "-"]))
    if draw(st.booleans()):
        groups = [digits[i : i + 4] for i in range(0, 16, 4)]
    else:
        groups = [digits[0:2], digits[2:4], digits[4:6], digits[6:12], digits[12:16]]
    parts = {
        "nik": digits,
        "province_code": province,
        "province": PROVINCES[province],
        "regency_code": f"{regency:02d}",
        "is_city": regency >= 71,
        "district_code": f"{district:02d}",
        "birth_date": born,
        "sex": sex,
        "serial": f"{serial:04d}",
    }
    return separator.join(groups), parts


@given(nik_typings())
def test_parse_nik_round_trips(typed_and_parts: tuple[str, dict[str, object]]) -> None:
    typed, parts = typed_and_parts
    info = parse_nik(typed, today=TODAY)
    assert info == NikInfo(**parts)  # type: ignore[arg-type]
    assert parse_kk(typed) == parts["nik"]
    assert nik_mismatches(info, birth_date=info.birth_date, sex=info.sex) == ()


@given(
    day=st.dates(min_value=date(1000, 1, 1)),
    lang=st.sampled_from(["id", "en"]),
    weekday=st.booleans(),
)
def test_format_date_parse_date_round_trip(day: date, lang: Lang, weekday: bool) -> None:
    assert parse_date(format_date(day, lang, weekday=weekday), today=TODAY) == day
    numeric = f"{day.day:02d}-{day.month:02d}-{day.year:04d}"
    assert parse_date(numeric, today=TODAY) == day
    assert parse_date(day.isoformat(), today=TODAY) == day


@given(st.from_regex(r"[0-9]{16}", fullmatch=True))
def test_mask_nik_never_leaks_the_middle_digits(number: str) -> None:
    masked = mask_nik(number)
    assert masked == number[:4] + "xxxxxxxx" + number[12:]
    assert not re.search(r"[0-9]{5,}", masked)


@given(st.text())
def test_mask_nik_reveals_at_most_the_last_two_characters_of_anything_else(value: str) -> None:
    assume(not re.fullmatch(r"[0-9]{16}", value))
    masked = mask_nik(value)
    assert len(masked) == len(value)
    assert set(masked[:-2]) <= {"x"}
    if len(value) <= 2:
        assert masked == "x" * len(value)


@given(ANY_TEXT)
def test_parse_name_output_is_a_fixed_point(typed: str) -> None:
    try:
        name = parse_name(typed, new_registration=False)
    except Invalid:
        return
    assert name == name.upper()
    assert len(name) <= 60
    assert re.fullmatch(r"[A-Z]+(?:['-][A-Z]+)*(?: [A-Z]+(?:['-][A-Z]+)*)*", name)
    assert parse_name(name, new_registration=False) == name


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_parse_number_round_trips_integers(number: int) -> None:
    assert parse_number(str(number)) == number
    assert parse_number(f"{number:,}".replace(",", " ")) == number


@given(st.decimals(min_value=-(10**6), max_value=10**6, places=3, allow_nan=False))
def test_parse_number_round_trips_decimals_with_comma_or_dot(number: Any) -> None:
    text = str(number)
    assert parse_number(text, integer=False) == float(number)
    assert parse_number(text.replace(".", ","), integer=False) == float(number)


@given(st.integers(min_value=340, max_value=430))
def test_parse_temperature_accepts_the_whole_range(tenths: int) -> None:
    typed = f"{tenths // 10},{tenths % 10}"
    assert parse_temperature(typed) == tenths / 10


@settings(deadline=None)
@given(st.integers(min_value=10**8, max_value=10**10 - 1))
def test_parse_phone_is_idempotent(subscriber: int) -> None:
    try:
        number = parse_phone(f"0812{subscriber}")
    except Invalid:
        return
    assert number.startswith("+62")
    assert parse_phone(number) == number
