"""What the templates print: frozen inputs built by the caller (the delivery pipeline).

Nothing here reads configuration or the database; the caller copies what a document needs from
the office YAML, the booking or the submitted form. Values are printed as given, except where a
template documents otherwise (the KK prints in capitals, as a real KK does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import Literal

Sex = Literal["L", "P"]
"""``L`` laki-laki (male), ``P`` perempuan (female), as on the KTP."""


@dataclass(frozen=True, slots=True)
class Signatory:
    """The head of office, in whose name documents are signed electronically."""

    name: str
    """Full name with degrees, e.g. ``Drs. Contoh Kepala Dinas, M.Si.``."""
    nip: str
    """Civil-servant number (NIP), 18 digits; printed grouped ``19680101 199003 1 001``."""
    title: str
    """Position, e.g. ``Kepala Dinas``."""


@dataclass(frozen=True, slots=True)
class OfficeInfo:
    """The issuing office as the letterhead and signature block show it."""

    name: str
    """Full name: ``Dinas Kependudukan dan Pencatatan Sipil Kota Magelang``."""
    address: str
    """Street address, one line."""
    city: str
    """``Kota Magelang``: the letterhead says ``PEMERINTAH KOTA MAGELANG``; the date line too."""
    head: Signatory
    """Who signs."""
    phone: str = ""
    """Telephone, printed in the letterhead when given."""
    short_name: str = ""
    """``Disdukcapil Kota Magelang``, used in running text when given."""


@dataclass(frozen=True, slots=True)
class Issue:
    """What every document carries besides its content: number, date, issuer, verification."""

    number: str
    """Document number, printed on every page."""
    issued_on: date
    """Issue date (office local date)."""
    office: OfficeInfo
    """The issuing office."""
    verify_url: str
    """Verification page of this document; encoded in the QR code and printed in the footer."""
    demo: bool = False
    """Signed with the demo signer: every page says ``DEMO — bukan dokumen resmi``."""


@dataclass(frozen=True, slots=True)
class BookingProof:
    """A KTP-el recording booking as the citizen prints it (bukti pendaftaran)."""

    code: str
    """Booking code quoted at the counter, e.g. ``KTP-7K4M9Q``."""
    queue_number: int
    """Queue number on that day."""
    holder_name: str = field(repr=False)
    """Who comes (personal data)."""
    nik: str = field(repr=False)
    """Their NIK (personal data; printed masked ``3371xxxxxxxx0001``)."""
    day: date
    """Day of the visit."""
    arrive_from: time | None = None
    """Earliest arrival (session start or opening time)."""
    arrive_until: time | None = None
    """Latest arrival (session end or closing time)."""
    session: str | None = None
    """Session name for display (``Pagi``) when the day has sessions."""
    service: str = "Perekaman KTP-el"
    """Service name."""
    timezone_label: str = "WIB"
    """Time zone after times (WIB, WITA, WIT)."""
    bring: tuple[str, ...] = ("Fotokopi Kartu Keluarga (KK)",)
    """What to bring, one item a line (the proof itself is always added)."""
    max_temperature: float = 37.5
    """Highest body temperature admitted at the door, °C (office configuration)."""
    notes: tuple[str, ...] = ()
    """Extra lines from the office."""


@dataclass(frozen=True, slots=True)
class Section:
    """A titled block of ``label: value`` rows."""

    title: str
    """Block heading, e.g. ``Data Pemohon``."""
    rows: tuple[tuple[str, str], ...]
    """``(label, value)`` in order; an empty value prints as ``-``."""


@dataclass(frozen=True, slots=True)
class Group:
    """A repeated group (family members, changed elements) printed as a table."""

    title: str
    """Block heading, e.g. ``Anggota Keluarga``."""
    columns: tuple[str, ...]
    """Column headings; a ``No.`` column is added in front."""
    rows: tuple[tuple[str, ...], ...]
    """One tuple per repetition, as many values as ``columns``."""
    widths: tuple[float, ...] | None = None
    """Relative column widths (any unit); equal when ``None``."""


@dataclass(frozen=True, slots=True)
class Checklist:
    """A list of options with ticked boxes (what is requested, which attachments are given)."""

    title: str
    """Block heading, e.g. ``Lampiran``."""
    items: tuple[tuple[str, bool], ...]
    """``(text, ticked)`` in order."""


@dataclass(frozen=True, slots=True)
class Statement:
    """A paragraph of running text, e.g. the applicant's declaration."""

    title: str
    """Block heading; empty for none."""
    text: str
    """The paragraph."""


Block = Section | Group | Checklist | Statement
"""One part of an application form."""


@dataclass(frozen=True, slots=True)
class ApplicationForm:
    """A form as the citizen submitted it through the bot (F-1.02, F-1.06, KTP-el replacement)."""

    form_code: str | None
    """Official form code printed in the corner, e.g. ``F-1.02``; ``None`` for none."""
    form_name: str
    """Official name: ``Formulir Pendaftaran Peristiwa Kependudukan``."""
    reference: str
    """Submission reference the office uses."""
    submitted_on: date
    """When the citizen submitted it."""
    applicant_name: str = field(repr=False)
    """Who submitted (printed under the applicant's part of the signature area)."""
    blocks: tuple[Block, ...]
    """The content, in order."""
    subtitle: str | None = None
    """Second title line, e.g. ``Penggantian KTP-el karena hilang``."""
    channel: str = "Telegram"
    """How it was submitted."""


@dataclass(frozen=True, slots=True)
class Address:
    """An address as written on a KK."""

    street: str
    """Street and house number (``Jl. Tidar No. 12``)."""
    rt: str
    """Rukun tetangga, printed with three digits (``001``)."""
    rw: str
    """Rukun warga, printed with three digits."""
    kelurahan: str
    """Desa or kelurahan."""
    kecamatan: str
    """District."""
    city: str
    """Kabupaten or kota."""
    postal_code: str
    """Five digits."""
    province: str
    """Province."""


@dataclass(frozen=True, slots=True)
class FamilyMember:
    """One row of the KK's member tables."""

    name: str
    """Full name."""
    nik: str
    """NIK, 16 digits."""
    sex: Sex
    """``L`` or ``P``."""
    birth_place: str
    """Place of birth."""
    birth_date: date
    """Date of birth."""
    religion: str
    """Religion or belief (Islam, Kristen, ...)."""
    education: str
    """Last education (``SLTA/SEDERAJAT``)."""
    occupation: str
    """Occupation (``KARYAWAN SWASTA``)."""
    relationship: str
    """Relationship to the head (SHDK): ``KEPALA KELUARGA``, ``ISTRI``, ``ANAK``..."""
    marital_status: str
    """``BELUM KAWIN``, ``KAWIN TERCATAT``, ..."""
    father_name: str
    """Father's name."""
    mother_name: str
    """Mother's name."""
    blood_type: str = "TIDAK TAHU"
    """``A``, ``B``, ``AB``, ``O`` (with ``+``/``-``) or ``TIDAK TAHU``."""
    marriage_date: date | None = None
    """Date of marriage when recorded."""
    citizenship: str = "WNI"
    """``WNI`` or ``WNA``."""
    passport_number: str = ""
    """Passport number, if any."""
    kitas_number: str = ""
    """KITAS/KITAP number, if any."""


@dataclass(frozen=True, slots=True)
class FamilyCard:
    """The data of one Kartu Keluarga (KK) for its printout."""

    kk_number: str
    """KK number, 16 digits."""
    head_name: str
    """Head of family."""
    address: Address
    """Where the family lives."""
    members: tuple[FamilyMember, ...]
    """Members in KK order (the head first)."""
