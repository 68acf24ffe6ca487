"""Validators for what citizens type: NIK, KK number, names, dates, phone, email, numbers, yes/no.

Each ``parse_*`` function returns the normalised value or raises :class:`~flows.text.Invalid`
with a short, polite message in both languages that says what is expected and gives an example.
Pure: no I/O, no clock (callers pass ``today``), no locale; ``email_validator`` is used without
DNS (``check_deliverability=False``).

Messages never repeat a NIK, KK number, phone number or email address back: ``Invalid`` carries
its English text as the exception message, and exceptions end up in logs (DESIGN.md section 3,
PDP). At most a single character, a two-digit code or a length is quoted.

Month and weekday names are hand-written tables rather than ``locale``/``strftime``: the output of
those depends on which locales the operating system has installed, and no locale knows the
abbreviations Indonesians actually write (Agt, Ags, Nop, Pebruari).
"""

from __future__ import annotations

import calendar
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Final, Literal

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from flows.text import Invalid, Lang, Text

__all__ = [
    "KK_EXAMPLE",
    "MONTHS",
    "MONTH_NAMES",
    "NAME_MAX_LENGTH",
    "NIK_EXAMPLE",
    "NO_WORDS",
    "PROVINCES",
    "TEMPERATURE_RANGE",
    "WEEKDAY_NAMES",
    "YES_WORDS",
    "NikInfo",
    "format_date",
    "mask_nik",
    "nik_mismatches",
    "parse_date",
    "parse_email",
    "parse_kk",
    "parse_name",
    "parse_nik",
    "parse_number",
    "parse_phone",
    "parse_temperature",
    "parse_yes_no",
]

Sex = Literal["L", "P"]
"""Sex as on the KTP: ``L`` laki-laki (male), ``P`` perempuan (female)."""

# ---------------------------------------------------------------------------------------------
# Reference tables
# ---------------------------------------------------------------------------------------------

PROVINCES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "11": "Aceh",
        "12": "Sumatera Utara",
        "13": "Sumatera Barat",
        "14": "Riau",
        "15": "Jambi",
        "16": "Sumatera Selatan",
        "17": "Bengkulu",
        "18": "Lampung",
        "19": "Kepulauan Bangka Belitung",
        "21": "Kepulauan Riau",
        "31": "DKI Jakarta",
        "32": "Jawa Barat",
        "33": "Jawa Tengah",
        "34": "DI Yogyakarta",
        "35": "Jawa Timur",
        "36": "Banten",
        "51": "Bali",
        "52": "Nusa Tenggara Barat",
        "53": "Nusa Tenggara Timur",
        "61": "Kalimantan Barat",
        "62": "Kalimantan Tengah",
        "63": "Kalimantan Selatan",
        "64": "Kalimantan Timur",
        "65": "Kalimantan Utara",
        "71": "Sulawesi Utara",
        "72": "Sulawesi Tengah",
        "73": "Sulawesi Selatan",
        "74": "Sulawesi Tenggara",
        "75": "Gorontalo",
        "76": "Sulawesi Barat",
        "81": "Maluku",
        "82": "Maluku Utara",
        "91": "Papua",
        "92": "Papua Barat",
        "93": "Papua Selatan",
        "94": "Papua Tengah",
        "95": "Papua Pegunungan",
        "96": "Papua Barat Daya",
    }
)
"""Province code (first two digits of a NIK or KK number) to province name (DESIGN.md 3)."""

MONTH_NAMES: Final[Mapping[Lang, tuple[str, ...]]] = MappingProxyType(
    {
        "id": (
            "Januari",
            "Februari",
            "Maret",
            "April",
            "Mei",
            "Juni",
            "Juli",
            "Agustus",
            "September",
            "Oktober",
            "November",
            "Desember",
        ),
        "en": (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
    }
)
"""Month names used when writing a date, January first."""

WEEKDAY_NAMES: Final[Mapping[Lang, tuple[str, ...]]] = MappingProxyType(
    {
        "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
        "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    }
)
"""Weekday names used when writing a date, Monday first (as :meth:`date.weekday`)."""


def _month_words() -> dict[str, int]:
    words: dict[str, int] = {}
    for names in MONTH_NAMES.values():
        for number, name in enumerate(names, start=1):
            words[name.lower()] = number
            words[name[:3].lower()] = number
    extra = {
        "pebruari": 2,
        "peb": 2,
        "agu": 8,
        "agt": 8,
        "ags": 8,
        "sept": 9,
        "okt": 10,
        "nop": 11,
        "nopember": 11,
        "des": 12,
    }
    words.update(extra)
    return words


MONTHS: Final[Mapping[str, int]] = MappingProxyType(_month_words())
"""Lower-case month names and abbreviations (Indonesian and English) to month number 1-12.

Compare with ``word.lower()``; a trailing dot (``Agt.``) is removed by :func:`parse_date`.
"""

_WEEKDAY_WORDS: Final[Mapping[str, int]] = MappingProxyType(
    {name.lower(): i for names in WEEKDAY_NAMES.values() for i, name in enumerate(names)}
    | {"ahad": 6}
)

YES_WORDS: Final[frozenset[str]] = frozenset(
    {"ya", "y", "iya", "yes", "benar", "betul", "setuju", "ok", "oke"}
)
"""Answers read as yes (compared lower-case, trimmed, trailing ``.`` or ``!`` ignored)."""

NO_WORDS: Final[frozenset[str]] = frozenset(
    {"tidak", "t", "tdk", "no", "n", "bukan", "tidak setuju", "gak", "nggak", "enggak"}
)
"""Answers read as no (compared like :data:`YES_WORDS`)."""

# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------

_ZERO_WIDTH: Final = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_DASHES: Final = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_ASCII_DIGITS: Final = frozenset("0123456789")
_ASCII_LETTERS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _clean(raw: str) -> str:
    """``raw`` without invisible zero-width characters (they come with copy and paste)."""
    return raw.translate(_ZERO_WIDTH)


def _show(char: str) -> str:
    """A character as a citizen can read it in a message."""
    if char.isprintable() and not char.isspace():
        return f'"{char}"'
    return f"U+{ord(char):04X}"


def _capital(text: str) -> str:
    """``text`` with its first letter in capitals, for the start of a sentence."""
    return text[:1].upper() + text[1:]


def _dmy(d: date) -> str:
    """``17-08-1990``: how dates are written back in short messages."""
    return f"{d.day:02d}-{d.month:02d}-{d.year:04d}"


def _invalid(id_: str, en: str) -> Invalid:
    return Invalid(Text(id=id_, en=en))


# ---------------------------------------------------------------------------------------------
# NIK and KK number
# ---------------------------------------------------------------------------------------------

NIK_EXAMPLE: Final = "3371015708900001"
"""A synthetic NIK used in messages: Kota Magelang, a woman born 17-08-1990, serial 0001."""

KK_EXAMPLE: Final = "3371012005180003"
"""A synthetic KK number used in messages (Kota Magelang, Magelang Selatan)."""

_NIK_SEPARATORS: Final = frozenset(" ." + _DASHES)


@dataclass(frozen=True, slots=True)
class _Doc:
    id_name: str  # "NIK", "nomor KK"
    en_name: str  # "NIK", "KK number"
    id_where: str
    en_where: str
    example: str


_NIK: Final = _Doc("NIK", "NIK", "KTP atau KK", "KTP or KK", NIK_EXAMPLE)
_KK: Final = _Doc("nomor KK", "KK number", "Kartu Keluarga", "family card (KK)", KK_EXAMPLE)


@dataclass(frozen=True, slots=True)
class NikInfo:
    """What a valid NIK says about its holder: where first registered, birth date and sex.

    ``repr`` masks the NIK so that logging one does not leak it.
    """

    nik: str
    """The 16 digits, without separators."""
    province_code: str
    """Digits 1-2, for example ``"33"``."""
    province: str
    """Name of the province, for example ``"Jawa Tengah"``."""
    regency_code: str
    """Digits 3-4: regency (kabupaten) 01-69 or city (kota) 71-99."""
    is_city: bool
    """True for a kota (regency code 71-99)."""
    district_code: str
    """Digits 5-6: the district (kecamatan)."""
    birth_date: date
    """Birth date encoded in digits 7-12 (for women the day has 40 added; removed here)."""
    sex: Sex
    """``L`` laki-laki or ``P`` perempuan (day above 40)."""
    serial: str
    """Digits 13-16, from ``"0001"``."""

    def __repr__(self) -> str:
        return (
            f"NikInfo(nik={mask_nik(self.nik)!r}, province_code={self.province_code!r}, "
            f"regency_code={self.regency_code!r}, district_code={self.district_code!r})"
        )


def _sixteen_digits(raw: str, doc: _Doc) -> str:
    """The 16 digits of a NIK or KK number typed with spaces, dots or dashes, or Invalid."""
    text = _clean(raw).strip()
    digits: list[str] = []
    for char in text:
        if char in _ASCII_DIGITS:
            digits.append(char)
        elif char in _NIK_SEPARATORS or char.isspace():
            continue
        else:
            hint_id = hint_en = ""
            if char in "oO":
                hint_id, hint_en = " (mungkin maksud Anda angka 0?)", " (did you mean the digit 0?)"
            elif char in "iIl|":
                hint_id, hint_en = " (mungkin maksud Anda angka 1?)", " (did you mean the digit 1?)"
            raise _invalid(
                f"{_capital(doc.id_name)} hanya berisi angka; {_show(char)} bukan angka{hint_id}. "
                f"Contoh: {doc.example}.",
                f"A {doc.en_name} has digits only; {_show(char)} is not a digit{hint_en}. "
                f"Example: {doc.example}.",
            )
    if not digits:
        raise _invalid(
            f"Silakan ketik {doc.id_name} Anda: 16 angka seperti tertulis di {doc.id_where}. "
            f"Contoh: {doc.example}.",
            f"Please type your {doc.en_name}: the 16 digits printed on your {doc.en_where}. "
            f"Example: {doc.example}.",
        )
    if len(digits) != 16:
        n = len(digits)
        raise _invalid(
            f"{_capital(doc.id_name)} harus 16 angka; yang Anda ketik {n} angka. "
            f"Contoh: {doc.example}.",
            f"A {doc.en_name} has 16 digits; you typed {n}. Example: {doc.example}.",
        )
    return "".join(digits)


def _check_region(digits: str, doc: _Doc) -> None:
    """Province known, regency code 01-69 or 71-99, district not 00; else Invalid."""
    province, regency, district = digits[0:2], digits[2:4], digits[4:6]
    if province not in PROVINCES:
        raise _invalid(
            f"Kode provinsi {province} (2 angka pertama {doc.id_name}) tidak dikenal. "
            f"Periksa lagi {doc.id_name} Anda. Contoh: {doc.example} (33 = Jawa Tengah).",
            f"Province code {province} (the first 2 digits of the {doc.en_name}) does not exist. "
            f"Please check your {doc.en_name}. Example: {doc.example} (33 = Jawa Tengah).",
        )
    if not ("01" <= regency <= "69" or "71" <= regency <= "99"):
        raise _invalid(
            f"Kode kabupaten/kota {regency} (angka ke-3 dan ke-4 {doc.id_name}) tidak ada; "
            f"kodenya 01-69 untuk kabupaten atau 71-99 untuk kota. Contoh: {doc.example}.",
            f"Regency/city code {regency} (digits 3 and 4 of the {doc.en_name}) does not exist; "
            f"it is 01-69 for a regency or 71-99 for a city. Example: {doc.example}.",
        )
    if district == "00":
        raise _invalid(
            f"Kode kecamatan 00 (angka ke-5 dan ke-6 {doc.id_name}) tidak ada. "
            f"Periksa lagi {doc.id_name} Anda. Contoh: {doc.example}.",
            f"District code 00 (digits 5 and 6 of the {doc.en_name}) does not exist. "
            f"Please check your {doc.en_name}. Example: {doc.example}.",
        )


def _nik_birth(dd: int, mm: int, yy: int, today: date | None) -> date | None:
    """The birth date encoded in a NIK (day already without the +40), or None if impossible.

    The century is the latest one that does not put the birth date after ``today``. Without
    ``today`` (this module never reads the clock) years 00-30 are read as 20yy, 31-99 as 19yy.
    """
    if not 1 <= mm <= 12 or not 1 <= dd <= 31:
        return None
    if today is None:
        century = 2000 if yy <= 30 else 1900
    else:
        century = 2000 if (2000 + yy, mm, dd) <= (today.year, today.month, today.day) else 1900
    if dd > calendar.monthrange(century + yy, mm)[1]:
        return None
    return date(century + yy, mm, dd)


def parse_nik(raw: str, *, today: date | None = None) -> NikInfo:
    """Check and decode a NIK typed by a citizen (spaces, dots and dashes allowed).

    Rejects a wrong length, non-digits, an unknown province, regency code 00 or 70, district 00,
    an impossible birth date and serial 0000. Pass ``today`` so the two-digit birth year gets the
    right century (the latest that is not in the future); without it 00-30 means 2000-2030 and
    31-99 means 1931-1999.
    """
    digits = _sixteen_digits(raw, _NIK)
    _check_region(digits, _NIK)
    dd, mm, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    sex: Sex = "P" if dd > 40 else "L"
    born = _nik_birth(dd - 40 if dd > 40 else dd, mm, yy, today)
    if born is None:
        raise _invalid(
            "Angka ke-7 sampai ke-12 NIK (tanggal, bulan, tahun lahir) tidak membentuk tanggal "
            "yang ada. Untuk perempuan tanggalnya ditambah 40 (17 menjadi 57). Periksa lagi NIK "
            f"di KTP atau KK Anda. Contoh: {NIK_EXAMPLE}.",
            "Digits 7 to 12 of the NIK (day, month, year of birth) do not form a real date. "
            "For women 40 is added to the day (17 becomes 57). Please check the NIK on your KTP "
            f"or KK. Example: {NIK_EXAMPLE}.",
        )
    serial = digits[12:16]
    if serial == "0000":
        raise _invalid(
            "Nomor urut 0000 (4 angka terakhir NIK) tidak ada; nomor urut mulai dari 0001. "
            f"Periksa lagi NIK Anda. Contoh: {NIK_EXAMPLE}.",
            "Serial number 0000 (the last 4 digits of a NIK) does not exist; serials start at "
            f"0001. Please check your NIK. Example: {NIK_EXAMPLE}.",
        )
    regency = digits[2:4]
    return NikInfo(
        nik=digits,
        province_code=digits[0:2],
        province=PROVINCES[digits[0:2]],
        regency_code=regency,
        is_city=regency >= "71",
        district_code=digits[4:6],
        birth_date=born,
        sex=sex,
        serial=serial,
    )


_SEX_WORDS: Final[Mapping[Sex, Text]] = MappingProxyType(
    {"L": Text(id="laki-laki", en="male"), "P": Text(id="perempuan", en="female")}
)


def nik_mismatches(info: NikInfo, *, birth_date: date | None, sex: Sex | None) -> tuple[Text, ...]:
    """Warnings where the NIK disagrees with the declared birth date or sex; empty if none.

    A NIK is for life and is not changed when a recorded birth date or sex is corrected
    (Permendagri 108/2019), so a disagreement is something to confirm, not a rejection. The NIK
    holds only a two-digit year: dates that agree on day, month and those two digits agree.
    """
    warnings: list[Text] = []
    if birth_date is not None:
        nik_date = info.birth_date
        same = (nik_date.day, nik_date.month, nik_date.year % 100) == (
            birth_date.day,
            birth_date.month,
            birth_date.year % 100,
        )
        if not same:
            warnings.append(
                Text(
                    id=f"NIK Anda menunjukkan tanggal lahir {_dmy(nik_date)}, "
                    f"sedangkan Anda menulis {_dmy(birth_date)}.",
                    en=f"Your NIK shows the birth date {_dmy(nik_date)}, "
                    f"but you wrote {_dmy(birth_date)}.",
                )
            )
    if sex is not None and sex != info.sex:
        nik_sex, declared = _SEX_WORDS[info.sex], _SEX_WORDS[sex]
        warnings.append(
            Text(
                id=f"NIK menunjukkan {nik_sex.id}, sedangkan Anda memilih {declared.id}.",
                en=f"The NIK shows {nik_sex.en}, but you chose {declared.en}.",
            )
        )
    return tuple(warnings)


def parse_kk(raw: str) -> str:
    """Check a KK (family card) number and return its 16 digits.

    Spaces, dots and dashes are allowed; the province must be known, the regency code 01-69 or
    71-99 and the district not 00. The rest (recording date, serial) is not checked.
    """
    digits = _sixteen_digits(raw, _KK)
    _check_region(digits, _KK)
    return digits


def mask_nik(value: str) -> str:
    """A NIK or KK number safe for logs and staff lists: ``3371xxxxxxxx0001``.

    Anything that is not exactly 16 ASCII digits is masked except its last 2 characters (and
    completely when it is that short).
    """
    if len(value) == 16 and all(c in _ASCII_DIGITS for c in value):
        return value[:4] + "x" * 8 + value[12:]
    if len(value) <= 2:
        return "x" * len(value)
    return "x" * (len(value) - 2) + value[-2:]


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------

NAME_MAX_LENGTH: Final = 60
"""Longest name, spaces included (Permendagri 73/2022)."""

_APOSTROPHES: Final = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_NAME_HYPHENS: Final = str.maketrans({"\u2010": "-", "\u2011": "-"})
_NAME_EXAMPLE: Final = "SITI AMINAH"


def parse_name(raw: str, *, new_registration: bool) -> str:
    """Check a person's name (Permendagri 73/2022) and return it in capitals as on a KTP or KK.

    Latin letters A-Z, spaces, apostrophe and hyphen only (typographic apostrophes from phone
    keyboards count as ``'``), at most 60 characters; repeated spaces are collapsed. A new
    registration needs at least two words and no abbreviation (a one-letter word); a person
    already registered may have a one-word name.
    """
    text = " ".join(_clean(raw).translate(_APOSTROPHES).translate(_NAME_HYPHENS).split())
    if not text:
        raise _invalid(
            f"Silakan ketik nama lengkap seperti di KK. Contoh: {_NAME_EXAMPLE}.",
            f"Please type the full name as on the family card (KK). Example: {_NAME_EXAMPLE}.",
        )
    if any(c.isdigit() for c in text):
        raise _invalid(
            f"Nama tidak boleh berisi angka; tulis dengan huruf saja. Contoh: {_NAME_EXAMPLE}.",
            f"A name cannot contain digits; please use letters only. Example: {_NAME_EXAMPLE}.",
        )
    if "." in text:
        raise _invalid(
            "Nama tidak boleh disingkat atau memakai titik; tulis lengkap. "
            "Contoh: MUHAMMAD RIZKI, bukan M. RIZKI.",
            "A name cannot be abbreviated or contain a dot; please write it in full. "
            "Example: MUHAMMAD RIZKI, not M. RIZKI.",
        )
    for char in text:
        if char in _ASCII_LETTERS or char in " '-":
            continue
        base = unicodedata.normalize("NFD", char)[0]
        if base in _ASCII_LETTERS:
            raise _invalid(
                f"Huruf {_show(char)} tidak bisa dipakai; nama ditulis dengan huruf Latin A-Z "
                f"tanpa tanda, jadi {base.upper()}. Contoh: {_NAME_EXAMPLE}.",
                f"The letter {_show(char)} cannot be used; names use plain Latin letters A-Z, "
                f"so write {base.upper()}. Example: {_NAME_EXAMPLE}.",
            )
        raise _invalid(
            f"Tanda {_show(char)} tidak boleh ada di nama; hanya huruf, spasi, tanda ' dan -. "
            f"Contoh: {_NAME_EXAMPLE} atau MA'RUF AMIN.",
            f"{_show(char)} cannot be part of a name; only letters, spaces, ' and - are allowed. "
            f"Example: {_NAME_EXAMPLE} or MA'RUF AMIN.",
        )
    if len(text) > NAME_MAX_LENGTH:
        raise _invalid(
            f"Nama paling panjang {NAME_MAX_LENGTH} huruf termasuk spasi; yang Anda ketik "
            f"{len(text)}. Contoh: {_NAME_EXAMPLE}.",
            f"A name has at most {NAME_MAX_LENGTH} characters including spaces; you typed "
            f"{len(text)}. Example: {_NAME_EXAMPLE}.",
        )
    words = text.split(" ")
    for word in words:
        if (
            word[0] not in _ASCII_LETTERS
            or word[-1] not in _ASCII_LETTERS
            or re.search(r"['-]{2}", word)
        ):
            raise _invalid(
                "Tanda ' dan - hanya boleh di antara dua huruf. Contoh: MA'RUF atau NUR-AINI.",
                "The marks ' and - may only stand between two letters. "
                "Example: MA'RUF or NUR-AINI.",
            )
    if new_registration:
        if len(words) < 2:
            raise _invalid(
                "Nama untuk pencatatan baru harus paling sedikit dua kata. "
                f"Contoh: {_NAME_EXAMPLE}.",
                f"A newly registered name needs at least two words. Example: {_NAME_EXAMPLE}.",
            )
        for word in words:
            if len(word) == 1:
                raise _invalid(
                    f'Kata "{word.upper()}" terlihat seperti singkatan; nama baru tidak boleh '
                    "disingkat. Contoh: MUHAMMAD RIZKI, bukan M RIZKI.",
                    f'"{word.upper()}" looks like an abbreviation; a new name cannot be '
                    "abbreviated. Example: MUHAMMAD RIZKI, not M RIZKI.",
                )
    return text.upper()


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------

_DATE_EXAMPLE_ID: Final = "17-08-1990 atau 17 Agustus 1990"
_DATE_EXAMPLE_EN: Final = "17-08-1990 or 17 August 1990"
_DATE_CHARS: Final = re.compile(r"[0-9a-z\s.,/" + re.escape(_DASHES) + r"]*")
_DATE_TOKEN: Final = re.compile(r"[0-9]+|[a-z]+")
_DATE_FILLER: Final = frozenset({"tanggal", "tgl", "bulan", "bln", "tahun", "thn", "th"})


def format_date(d: date, lang: Lang, *, weekday: bool = False) -> str:
    """A date as people write it: ``17 Agustus 1990``; with weekday ``Senin, 7 Desember 2026``."""
    text = f"{d.day} {MONTH_NAMES[lang][d.month - 1]} {d.year}"
    if weekday:
        return f"{WEEKDAY_NAMES[lang][d.weekday()]}, {text}"
    return text


def _date_text(d: date) -> Text:
    return Text(id=format_date(d, "id"), en=format_date(d, "en"))


def _format_error() -> Invalid:
    return _invalid(
        f"Tanggal belum bisa dibaca. Tulis tanggal, bulan, lalu tahun. Contoh: {_DATE_EXAMPLE_ID}.",
        f"The date could not be read. Please write day, month, then year. "
        f"Example: {_DATE_EXAMPLE_EN}.",
    )


def _date_parts(raw: str) -> tuple[str, int | str, str, int | None]:
    """Split a typed date into (day, month number or unknown word, year, weekday or None)."""
    text = _clean(raw).strip().lower().replace("'", "").replace("\u2019", "")
    if not text:
        raise _invalid(
            f"Silakan ketik tanggalnya. Contoh: {_DATE_EXAMPLE_ID}.",
            f"Please type the date. Example: {_DATE_EXAMPLE_EN}.",
        )
    if not _DATE_CHARS.fullmatch(text):
        raise _format_error()
    tokens = [t for t in _DATE_TOKEN.findall(text) if t not in _DATE_FILLER]
    weekday: int | None = None
    if tokens and tokens[0] in _WEEKDAY_WORDS:
        weekday = _WEEKDAY_WORDS[tokens[0]]
        tokens = tokens[1:]
    shape = "".join("n" if t[0].isdigit() else "a" for t in tokens)
    month: int | str
    if shape == "nnn":
        if len(tokens[0]) == 4:  # ISO 8601: 1990-08-17
            year, month_digits, day = tokens
        else:
            day, month_digits, year = tokens
        if len(month_digits) > 2:
            raise _format_error()
        month = int(month_digits)
    elif shape in {"nan", "ann"}:
        day, word, year = tokens if shape == "nan" else (tokens[1], tokens[0], tokens[2])
        month = MONTHS.get(word, word)
    elif shape == "n" and len(tokens[0]) in {6, 8}:  # 17081990; 170890 (asks for 4 digits)
        day, month, year = tokens[0][:2], int(tokens[0][2:4]), tokens[0][4:]
    else:
        raise _format_error()
    if len(day) > 2:
        raise _format_error()
    return day, month, year, weekday


def _check_calendar(day: int, month: int | str, year_text: str) -> date:
    """The date, or Invalid saying which part does not exist."""
    if isinstance(month, str):
        shown = month[:20]
        raise _invalid(
            f'Nama bulan "{shown}" tidak dikenal. Tulis nama bulan seperti Agustus atau '
            f"angkanya. Contoh: {_DATE_EXAMPLE_ID}.",
            f'"{shown}" is not a month name we know. Please write a month such as August or its '
            f"number. Example: {_DATE_EXAMPLE_EN}.",
        )
    if len(year_text) != 4:
        raise _invalid(
            f"Tulis tahun dengan 4 angka (misalnya 1990, bukan {year_text}). Contoh: 17-08-1990.",
            f"Please write the year with 4 digits (for example 1990, not {year_text}). "
            "Example: 17-08-1990.",
        )
    year = int(year_text)
    if not 1 <= month <= 12:
        raise _invalid(
            f"Bulan {month} tidak ada; bulan ditulis 1 sampai 12. Contoh: 17-08-1990.",
            f"There is no month {month}; months go from 1 to 12. Example: 17-08-1990.",
        )
    if year < 1:
        raise _invalid(
            "Tahun 0000 tidak ada. Tulis tahun dengan 4 angka. Contoh: 17-08-1990.",
            "There is no year 0000. Please write the year with 4 digits. Example: 17-08-1990.",
        )
    if day < 1:
        raise _invalid(
            "Tanggal 0 tidak ada; tanggal dimulai dari 1. Contoh: 17-08-1990.",
            "There is no day 0; days start at 1. Example: 17-08-1990.",
        )
    last = calendar.monthrange(year, month)[1]
    if day > last:
        id_month, en_month = MONTH_NAMES["id"][month - 1], MONTH_NAMES["en"][month - 1]
        raise _invalid(
            f"Tanggal {day} {id_month} {year} tidak ada; {id_month} {year} hanya sampai "
            f"tanggal {last}. Contoh: 17-08-1990.",
            f"{en_month} {year} has no day {day}; it has {last} days. Example: 17-08-1990.",
        )
    return date(year, month, day)


def parse_date(
    raw: str,
    *,
    today: date,
    past_only: bool = False,
    future_only: bool = False,
    min_date: date | None = None,
    max_date: date | None = None,
) -> date:
    """Read a date typed day first (the Indonesian convention) and check it is in range.

    Accepts ``17-08-1990``, ``17/8/1990``, ``17.08.1990``, ``17081990``, ``17 Agustus 1990``,
    ``17 agt 1990``, ``August 17, 1990``, ISO ``1990-08-17`` and an optional weekday in front
    (``Senin, 7 Desember 2026``, which must be the right one). Years need 4 digits.
    ``past_only`` means not after ``today``, ``future_only`` not before it; ``min_date`` and
    ``max_date`` are inclusive. Contradictory bounds are a programming error (``ValueError``).
    """
    lows = [d for d in (min_date, today if future_only else None) if d is not None]
    highs = [d for d in (max_date, today if past_only else None) if d is not None]
    low, high = max(lows, default=None), min(highs, default=None)
    if low is not None and high is not None and low > high:
        msg = f"no date can satisfy the bounds {low} .. {high}"
        raise ValueError(msg)
    day, month, year, weekday = _date_parts(raw)
    result = _check_calendar(int(day), month, year)
    if weekday is not None and weekday != result.weekday():
        real_id, real_en = (
            WEEKDAY_NAMES["id"][result.weekday()],
            WEEKDAY_NAMES["en"][result.weekday()],
        )
        raise _invalid(
            f"{format_date(result, 'id')} jatuh pada hari {real_id}, bukan "
            f"{WEEKDAY_NAMES['id'][weekday]}. Periksa lagi tanggalnya. "
            f"Contoh: {format_date(result, 'id', weekday=True)}.",
            f"{format_date(result, 'en')} is a {real_en}, not a {WEEKDAY_NAMES['en'][weekday]}. "
            f"Please check the date. Example: {format_date(result, 'en', weekday=True)}.",
        )
    if (low is not None and result < low) or (high is not None and result > high):
        raise _out_of_range(low, high, today)
    return result


def _out_of_range(low: date | None, high: date | None, today: date) -> Invalid:
    def bound(d: date) -> Text:
        text = _date_text(d)
        return text + Text(id=" (hari ini)", en=" (today)") if d == today else text

    example = _dmy(high if high is not None else low if low is not None else today)
    if low is not None and high is not None:
        if low == high:
            rule = Text(id="Tanggal harus ", en="The date must be ") + bound(low)
        else:
            rule = (
                Text(id="Tanggal harus antara ", en="The date must be between ")
                + bound(low)
                + Text(id=" dan ", en=" and ")
                + bound(high)
            )
    elif high is not None:
        rule = Text(id="Tanggal paling lambat ", en="The date must be on or before ") + bound(high)
    elif low is not None:
        rule = Text(id="Tanggal paling awal ", en="The date must be on or after ") + bound(low)
    else:  # not reached: only called when a bound was broken
        rule = Text(id="Tanggal itu tidak bisa dipakai", en="That date cannot be used")
    return Invalid(rule + Text(id=f". Contoh: {example}.", en=f". Example: {example}."))


# ---------------------------------------------------------------------------------------------
# Phone and email
# ---------------------------------------------------------------------------------------------

_PHONE_CHARS: Final = frozenset("0123456789+()./ ") | frozenset(_DASHES)
_PHONE_TYPES: Final = frozenset(
    {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }
)
_PHONE_EXAMPLE_ID: Final = "0812-3456-7890 atau (0293) 362123"
_PHONE_EXAMPLE_EN: Final = "0812-3456-7890 or (0293) 362123"


def parse_phone(raw: str) -> str:
    """An Indonesian mobile or landline number in E.164 form (``+6281234567890``).

    Uses ``phonenumbers`` with region ID, so ``0812-3456-7890``, ``+62 812 3456 7890``,
    ``62812...`` and ``(0293) 362123`` are all read. Numbers of other countries and special
    numbers (toll-free, premium) are refused: the office must be able to call or text back.
    """
    text = _clean(raw).strip()
    if not text:
        raise _invalid(
            f"Silakan ketik nomor HP atau telepon Anda. Contoh: {_PHONE_EXAMPLE_ID}.",
            f"Please type your mobile or phone number. Example: {_PHONE_EXAMPLE_EN}.",
        )
    for char in text:
        if char not in _PHONE_CHARS and not char.isspace():
            raise _invalid(
                f"Nomor telepon hanya berisi angka (boleh dengan spasi, tanda - atau +); "
                f"{_show(char)} tidak bisa dipakai. Contoh: {_PHONE_EXAMPLE_ID}.",
                f"A phone number has digits only (spaces, - and + are fine); {_show(char)} "
                f"cannot be used. Example: {_PHONE_EXAMPLE_EN}.",
            )
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and number.country_code != 62:
        raise _invalid(
            f"Maaf, hanya nomor Indonesia (+62) yang bisa dipakai. Contoh: {_PHONE_EXAMPLE_ID}.",
            f"Sorry, only Indonesian numbers (+62) can be used. Example: {_PHONE_EXAMPLE_EN}.",
        )
    if (
        number is None
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in _PHONE_TYPES
    ):
        raise _invalid(
            "Nomor itu bukan nomor HP atau telepon rumah Indonesia yang benar; periksa jumlah "
            f"angkanya dan kode areanya. Contoh: {_PHONE_EXAMPLE_ID}.",
            "That is not a valid Indonesian mobile or landline number; please check the number "
            f"of digits and the area code. Example: {_PHONE_EXAMPLE_EN}.",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_EMAIL_EXAMPLE: Final = "nama@contoh.com"
_EMAIL_PROVIDERS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "gmail": "gmail.com",
        "yahoo": "yahoo.com",
        "ymail": "ymail.com",
        "outlook": "outlook.com",
        "hotmail": "hotmail.com",
        "icloud": "icloud.com",
    }
)


def parse_email(raw: str) -> str:
    """A personal email address, checked for form only (no DNS), in normalised form.

    Documents are delivered by email, so a rejection says what is wrong: a missing ``@``,
    spaces, or an incomplete domain (with a hint such as ``@gmail.com``).
    """
    text = _clean(raw).strip()
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        pass
    problem: Text
    if not text:
        problem = Text(id="Silakan ketik alamat email Anda.", en="Please type your email address.")
    elif "@" not in text:
        problem = Text(
            id="Alamat email harus memakai tanda @.", en="An email address needs an @ sign."
        )
    elif text.count("@") > 1:
        problem = Text(
            id="Alamat email hanya punya satu tanda @.", en="An email address has only one @ sign."
        )
    elif any(c.isspace() for c in text):
        problem = Text(
            id="Alamat email tidak boleh berisi spasi.",
            en="An email address cannot contain spaces.",
        )
    else:
        local, _, domain = text.partition("@")
        if not local:
            problem = Text(
                id="Nama sebelum tanda @ belum diisi.", en="The name before the @ sign is missing."
            )
        elif not domain:
            problem = Text(
                id="Nama domain setelah tanda @ belum diisi (misalnya gmail.com).",
                en="The domain after the @ sign is missing (for example gmail.com).",
            )
        elif "." not in domain:
            known = _EMAIL_PROVIDERS.get(domain.lower())
            problem = (
                Text(
                    id=f"Nama domain setelah tanda @ belum lengkap; maksud Anda @{known}?",
                    en=f"The domain after the @ sign is incomplete; did you mean @{known}?",
                )
                if known
                else Text(
                    id="Nama domain setelah tanda @ belum lengkap (misalnya gmail.com).",
                    en="The domain after the @ sign is incomplete (for example gmail.com).",
                )
            )
        else:
            problem = Text(
                id="Alamat email ini belum benar; periksa lagi penulisannya.",
                en="This email address is not valid; please check how it is written.",
            )
    raise Invalid(
        problem + Text(id=f" Contoh: {_EMAIL_EXAMPLE}.", en=f" Example: {_EMAIL_EXAMPLE}.")
    )


# ---------------------------------------------------------------------------------------------
# Numbers, temperature, yes/no
# ---------------------------------------------------------------------------------------------

_MINUSES: Final = str.maketrans({"\u2212": "-", "\u2013": "-"})
_INTEGER: Final = re.compile(r"[+-]?(?:[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)", re.ASCII)
_DECIMAL: Final = re.compile(r"[+-]?(?:[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)(?:[.,][0-9]+)?", re.ASCII)
_MAX_NUMBER_LENGTH: Final = 30


def _show_number(value: float, lang: Lang) -> str:
    """A number for a message: no trailing zeros, decimal comma in Indonesian."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "id" else text


def _range_text(minimum: float | None, maximum: float | None) -> Text | None:
    if minimum is not None and maximum is not None:
        lo_id, hi_id = _show_number(minimum, "id"), _show_number(maximum, "id")
        lo_en, hi_en = _show_number(minimum, "en"), _show_number(maximum, "en")
        return Text(id=f"antara {lo_id} dan {hi_id}", en=f"between {lo_en} and {hi_en}")
    if minimum is not None:
        return Text(
            id=f"paling kecil {_show_number(minimum, 'id')}",
            en=f"at least {_show_number(minimum, 'en')}",
        )
    if maximum is not None:
        return Text(
            id=f"paling besar {_show_number(maximum, 'id')}",
            en=f"at most {_show_number(maximum, 'en')}",
        )
    return None


def parse_number(
    raw: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    integer: bool = True,
) -> int | float:
    """A number typed by a citizen, within ``minimum`` .. ``maximum`` (inclusive).

    Integers are digits, optionally grouped by spaces (``1 234``); a dot is not read as a
    thousands separator because it is ambiguous. Decimals (``integer=False``) take a comma or a
    dot (``2,5`` or ``2.5``) and come back as ``float``.
    """
    if minimum is not None and maximum is not None and minimum > maximum:
        msg = f"minimum {minimum} is above maximum {maximum}"
        raise ValueError(msg)
    text = " ".join(_clean(raw).translate(_MINUSES).split())
    example_value = (
        minimum
        if minimum is not None
        else maximum
        if maximum is not None
        else 10
        if integer
        else 2.5
    )
    if integer:
        example_value = math.ceil(example_value)
    example = Text(
        id=f" Contoh: {_show_number(example_value, 'id')}.",
        en=f" Example: {_show_number(example_value, 'en')}.",
    )
    allowed = _range_text(minimum, maximum)
    allowed_sentence = (
        Text(id=" Angkanya ", en=" It must be ") + allowed + Text(id=".", en=".")
        if allowed is not None
        else Text(id="", en="")
    )
    if len(text) > _MAX_NUMBER_LENGTH:
        raise Invalid(
            Text(id="Angka itu terlalu panjang.", en="That number is too long.")
            + allowed_sentence
            + example
        )
    if integer:
        if _DECIMAL.fullmatch(text) and not _INTEGER.fullmatch(text):
            raise Invalid(
                Text(
                    id="Ketik bilangan bulat tanpa titik atau koma.",
                    en="Please type a whole number without dots or commas.",
                )
                + allowed_sentence
                + example
            )
        matched = _INTEGER.fullmatch(text)
    else:
        matched = _DECIMAL.fullmatch(text)
    if not matched:
        raise Invalid(
            Text(
                id="Ketik satu angka saja, tanpa huruf atau tanda lain.",
                en="Please type one number only, without letters or other signs.",
            )
            + allowed_sentence
            + example
        )
    plain = text.replace(" ", "").replace(",", ".")
    value: int | float = int(plain) if integer else float(plain)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise Invalid(
            Text(id="Angka itu di luar batas.", en="That number is out of range.")
            + allowed_sentence
            + example
        )
    return value


TEMPERATURE_RANGE: Final = (34.0, 43.0)
"""Plausible body temperatures in °C; anything else is a typing or reading mistake."""

_TEMPERATURE: Final = re.compile(
    r"(?P<value>[0-9]+(?:[.,][0-9]+)?)\s*(?:°|º|˚|derajat)?\s*(?P<unit>celsius|celcius|c|f)?",
    re.ASCII | re.IGNORECASE,
)
_TEMPERATURE_EXAMPLE: Final = Text(id=" Contoh: 36,5.", en=" Example: 36.5.")


def parse_temperature(raw: str) -> float:
    """A body temperature in °C (``36,5``, ``36.5``, ``36,5°C``), rounded to one decimal.

    Values outside 34.0-43.0 °C are refused as mistakes; 93-110 (or a ``F``) looks like
    Fahrenheit and the citizen is asked for °C; 340-430 looks like a missing comma.
    """
    text = " ".join(_clean(raw).split())
    matched = _TEMPERATURE.fullmatch(text)
    if not matched:
        raise Invalid(
            Text(
                id="Ketik suhu tubuh dalam angka, misalnya dari termometer.",
                en="Please type your body temperature as a number, as the thermometer shows it.",
            )
            + _TEMPERATURE_EXAMPLE
        )
    if len(re.split(r"[.,]", matched["value"])[0]) > 6:  # keeps Decimal.quantize in precision
        value = Decimal(999_999)
    else:
        value = Decimal(matched["value"].replace(",", ".")).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
    fahrenheit = (matched["unit"] or "").lower() == "f" or Decimal(93) <= value <= Decimal(110)
    if fahrenheit:
        raise Invalid(
            Text(
                id="Sepertinya itu derajat Fahrenheit; mohon tulis dalam derajat Celsius (°C).",
                en="That looks like degrees Fahrenheit; please give it in degrees Celsius (°C).",
            )
            + _TEMPERATURE_EXAMPLE
        )
    low, high = TEMPERATURE_RANGE
    if not Decimal(str(low)) <= value <= Decimal(str(high)):
        if value == value.to_integral_value() and 340 <= value <= 430:
            guess = (value / 10).quantize(Decimal("0.1"))
            hint = Text(
                id=f" Maksud Anda {str(guess).replace('.', ',')} °C? Pakai koma.",
                en=f" Did you mean {guess} °C? Use a comma or a dot.",
            )
        else:
            hint = Text(id="", en="")
        raise Invalid(
            Text(
                id="Suhu tubuh biasanya antara 34 dan 43 °C; periksa lagi angka di termometer.",
                en="Body temperature is normally between 34 and 43 °C; please check the "
                "thermometer again.",
            )
            + hint
            + _TEMPERATURE_EXAMPLE
        )
    return float(value)


def parse_yes_no(raw: str) -> bool:
    """True for a yes (:data:`YES_WORDS`), False for a no (:data:`NO_WORDS`), else Invalid."""
    text = " ".join(_clean(raw).lower().split()).rstrip(".! ")
    if text in YES_WORDS:
        return True
    if text in NO_WORDS:
        return False
    raise _invalid(
        "Jawab ya atau tidak. Contoh: ya.",
        "Please answer yes or no (ya or tidak). Example: yes.",
    )
