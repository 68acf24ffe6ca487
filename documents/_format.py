"""Small text formats of Indonesian documents (dates, times, NIP, temperatures)."""

from __future__ import annotations

from datetime import date, time
from xml.sax.saxutils import escape

from flows.validators import format_date


def esc(text: str) -> str:
    """``text`` safe inside reportlab paragraph markup (``&``, ``<``, ``>`` escaped)."""
    return escape(text)


def long_date(d: date, *, weekday: bool = False) -> str:
    """``7 Desember 2026``, or ``Senin, 7 Desember 2026`` with the weekday."""
    return format_date(d, "id", weekday=weekday)


def short_date(d: date | None) -> str:
    """``07-12-2026`` as in KK tables, or ``-`` for no date."""
    return "-" if d is None else f"{d.day:02d}-{d.month:02d}-{d.year:04d}"


def clock(t: time) -> str:
    """``08.00``: Indonesian writes hours and minutes with a dot."""
    return f"{t.hour:02d}.{t.minute:02d}"


def time_range(start: time | None, end: time | None, zone: str) -> str:
    """``08.00–11.00 WIB``, ``mulai 08.00 WIB``, or ``-``."""
    if start and end:
        return f"{clock(start)}–{clock(end)} {zone}"
    if start:
        return f"mulai {clock(start)} {zone}"
    if end:
        return f"paling lambat {clock(end)} {zone}"
    return "-"


def temperature(celsius: float) -> str:
    """``37,5 °C``: a decimal comma, as Indonesian writes it."""
    return f"{celsius:.1f}".replace(".", ",") + " °C"


def nip(value: str) -> str:
    """An 18-digit NIP grouped as printed: ``19680101 199003 1 001``; other values as given."""
    if len(value) == 18 and value.isdigit():
        return f"{value[:8]} {value[8:14]} {value[14]} {value[15:]}"
    return value


def place_name(city: str) -> str:
    """The place in a date line: ``Kota Magelang`` → ``Magelang`` (``Kabupaten``/``Kab.`` too)."""
    for prefix in ("Kota ", "Kabupaten ", "Kab. "):
        if city.startswith(prefix):
            return city[len(prefix) :]
    return city


def position(title: str, office_name: str) -> str:
    """The signer's position: ``Kepala Dinas`` + ``Dinas Kependudukan ...`` merge into
    ``Kepala Dinas Kependudukan ...`` (the shared word is written once)."""
    title_words, office_words = title.split(), office_name.split()
    if title_words and office_words and title_words[-1].lower() == office_words[0].lower():
        return " ".join([*title_words, *office_words[1:]])
    return f"{title} {office_name}".strip()


def or_dash(value: str) -> str:
    """``value``, or ``-`` when it is empty."""
    return value.strip() or "-"
