"""The new KK (Kartu Keluarga) that approving a KK change issues.

The bot does not hold the whole family's data; the office's population database (SIAK) does. So
staff complete it on the review page, starting from a draft prefilled from the citizen's answers
(KK number, applicant, the members whose data changes and their new values), and the parser here
turns the completed draft into the ``documents.models.FamilyCard`` that is printed and signed.

Pure: plain values in, a ``FamilyCard`` or per-field messages (both languages) out; no web, no
database, no clock (callers pass ``today``).

A draft is a flat ``dict[str, str]`` keyed like the fields of the staff form: the card's own
fields (``kk_number``, ``head_name``, ``street``, ...) and ``members.<n>.<field>`` for member row
``n`` (from 0), so the page round-trips it unchanged and an error is shown next to the field of
the same key. Values are as printed on a KK: the fixed vocabularies in capitals (SHDK, religion,
marital status, education, blood type, citizenship), dates ``dd-mm-yyyy``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, TypeVar

from documents.models import Address, FamilyCard, FamilyMember, Sex
from flows.text import Invalid, Text
from flows.validators import parse_date, parse_kk, parse_name, parse_nik

if TYPE_CHECKING:
    from bot.office import Office

_T = TypeVar("_T")

Draft = dict[str, str]
"""A KK as staff edit it: field key → text (see the module docstring)."""

FieldKey = str
"""``kk_number``, ``members.2.nik``, or ``members`` for the member list as a whole."""

FAMILY_CARD_FORMS: Final = frozenset({"kk_ubah"})
"""Forms whose approval issues a new KK (instead of the filled application)."""

CARD_FIELDS: Final = (
    "kk_number",
    "head_name",
    "street",
    "rt",
    "rw",
    "kelurahan",
    "kecamatan",
    "city",
    "postal_code",
    "province",
)
"""The card's own fields, in form order."""

MEMBER_FIELDS: Final = (
    "name",
    "nik",
    "sex",
    "birth_place",
    "birth_date",
    "religion",
    "education",
    "occupation",
    "blood_type",
    "relationship",
    "marital_status",
    "marriage_date",
    "citizenship",
    "passport_number",
    "kitas_number",
    "father_name",
    "mother_name",
)
"""The fields of one member row, in form order (the KK's two member tables)."""

MEMBERS: Final = "members"
"""Error key of the member list as a whole (no member, no head of family)."""
MAX_MEMBERS: Final = 20
"""Most member rows a draft holds (a KK rarely has more than ten)."""
MAX_VALUE_LENGTH: Final = 200
"""Longer text posted for one field is cut (nothing valid is that long)."""

HEAD: Final = "KEPALA KELUARGA"
RELATIONSHIPS: Final = (
    HEAD,
    "SUAMI",
    "ISTRI",
    "ANAK",
    "MENANTU",
    "CUCU",
    "ORANG TUA",
    "MERTUA",
    "FAMILI LAIN",
    "PEMBANTU",
    "LAINNYA",
)
"""Status hubungan dalam keluarga (SHDK), in the official order."""
RELIGIONS: Final = (
    "ISLAM",
    "KRISTEN",
    "KATOLIK",
    "HINDU",
    "BUDDHA",
    "KHONGHUCU",
    "KEPERCAYAAN TERHADAP TUHAN YME",
)
MARITAL_STATUSES: Final = (
    "BELUM KAWIN",
    "KAWIN TERCATAT",
    "KAWIN BELUM TERCATAT",
    "CERAI HIDUP TERCATAT",
    "CERAI HIDUP BELUM TERCATAT",
    "CERAI MATI",
)
"""Code list 1-6 of the marital status."""
MARRIED: Final = frozenset({"KAWIN TERCATAT", "KAWIN BELUM TERCATAT"})
"""Statuses that may carry a marriage date."""
EDUCATIONS: Final = (
    "TIDAK/BELUM SEKOLAH",
    "BELUM TAMAT SD/SEDERAJAT",
    "TAMAT SD/SEDERAJAT",
    "SLTP/SEDERAJAT",
    "SLTA/SEDERAJAT",
    "DIPLOMA I/II",
    "AKADEMI/DIPLOMA III/SARJANA MUDA",
    "DIPLOMA IV/STRATA I",
    "STRATA II",
    "STRATA III",
)
"""Last education, as SIAK and the KK print it."""
BLOOD_TYPES: Final = (
    "A",
    "B",
    "AB",
    "O",
    "A+",
    "A-",
    "B+",
    "B-",
    "AB+",
    "AB-",
    "O+",
    "O-",
    "TIDAK TAHU",
)
CITIZENSHIPS: Final = ("WNI", "WNA")
SEXES: Final = ("L", "P")
SEX_NAMES: Final[Mapping[str, str]] = MappingProxyType({"L": "LAKI-LAKI", "P": "PEREMPUAN"})

CHOICES: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "sex": SEXES,
        "religion": RELIGIONS,
        "education": EDUCATIONS,
        "blood_type": BLOOD_TYPES,
        "relationship": RELATIONSHIPS,
        "marital_status": MARITAL_STATUSES,
        "citizenship": CITIZENSHIPS,
    }
)
"""Member fields with a fixed vocabulary, and the allowed values."""

OCCUPATION_SUGGESTIONS: Final = (
    "BELUM/TIDAK BEKERJA",
    "MENGURUS RUMAH TANGGA",
    "PELAJAR/MAHASISWA",
    "PENSIUNAN",
    "PEGAWAI NEGERI SIPIL",
    "TENTARA NASIONAL INDONESIA",
    "KEPOLISIAN RI",
    "PERDAGANGAN",
    "PETANI/PEKEBUN",
    "PETERNAK",
    "NELAYAN/PERIKANAN",
    "INDUSTRI",
    "KONSTRUKSI",
    "TRANSPORTASI",
    "KARYAWAN SWASTA",
    "KARYAWAN BUMN",
    "KARYAWAN BUMD",
    "KARYAWAN HONORER",
    "BURUH HARIAN LEPAS",
    "BURUH TANI/PERKEBUNAN",
    "PEMBANTU RUMAH TANGGA",
    "TUKANG BATU",
    "TUKANG KAYU",
    "PENJAHIT",
    "SOPIR",
    "PEDAGANG",
    "GURU",
    "DOSEN",
    "DOKTER",
    "BIDAN",
    "PERAWAT",
    "WIRASWASTA",
)
"""Common occupations as SIAK writes them (suggested; occupation is free text)."""

# The kk_ubah form's stored choice values → the KK's printed vocabulary.
FORM_RELATIONSHIPS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "anak": "ANAK",
        "istri": "ISTRI",
        "suami": "SUAMI",
        "cucu": "CUCU",
        "menantu": "MENANTU",
        "orang_tua": "ORANG TUA",
        "mertua": "MERTUA",
        "famili_lain": "FAMILI LAIN",
        "lainnya": "LAINNYA",
    }
)
FORM_EDUCATIONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "tidak_sekolah": "TIDAK/BELUM SEKOLAH",
        "sd": "TAMAT SD/SEDERAJAT",
        "sltp": "SLTP/SEDERAJAT",
        "slta": "SLTA/SEDERAJAT",
        "d1_d2": "DIPLOMA I/II",
        "d3": "AKADEMI/DIPLOMA III/SARJANA MUDA",
        "s1": "DIPLOMA IV/STRATA I",
        "s2": "STRATA II",
        "s3": "STRATA III",
    }
)
FORM_MARITAL_STATUSES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "belum_kawin": "BELUM KAWIN",
        "kawin_tercatat": "KAWIN TERCATAT",
        "kawin_belum_tercatat": "KAWIN BELUM TERCATAT",
        "cerai_hidup_tercatat": "CERAI HIDUP TERCATAT",
        "cerai_hidup_belum_tercatat": "CERAI HIDUP BELUM TERCATAT",
        "cerai_mati": "CERAI MATI",
    }
)
FORM_RELIGIONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "islam": "ISLAM",
        "kristen": "KRISTEN",
        "katolik": "KATOLIK",
        "hindu": "HINDU",
        "buddha": "BUDDHA",
        "khonghucu": "KHONGHUCU",
        "kepercayaan": "KEPERCAYAAN TERHADAP TUHAN YME",
    }
)

NEWBORN_DEFAULTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "education": "TIDAK/BELUM SEKOLAH",
        "occupation": "BELUM/TIDAK BEKERJA",
        "marital_status": "BELUM KAWIN",
        "blood_type": "TIDAK TAHU",
    }
)
"""What is true of a child added at birth until SIAK says otherwise."""
ROW_DEFAULTS: Final[Mapping[str, str]] = MappingProxyType({"citizenship": "WNI"})
"""Values a new member row starts with."""

_MEMBER_KEY: Final = re.compile(r"members\.(\d{1,2})\.([a-z_]+)")
_RT_RW: Final = re.compile(r"[0-9]{1,3}")
_POSTAL_CODE: Final = re.compile(r"[0-9]{5}")
_DMY: Final = re.compile(r"[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}")
_PLACE: Final = re.compile(r"[A-Z][A-Z .'-]*")
_FREE_TEXT: Final = re.compile(r"[A-Z0-9][A-Z0-9 .,/'()-]*")
_DOCUMENT_NUMBER: Final = re.compile(r"[A-Z0-9][A-Z0-9/-]{4,29}")


@dataclass(frozen=True, slots=True)
class Kecamatan:
    """A district of the office's area and its kelurahan (names in capitals)."""

    code: str
    """Six digits, as in NIK and KK numbers (``337101``)."""
    name: str
    kelurahan: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Area:
    """Where the office's families live: what the address part of a KK may say."""

    city: str
    """``KOTA MAGELANG``."""
    province: str
    """``JAWA TENGAH``."""
    districts: tuple[Kecamatan, ...]

    @classmethod
    def of(cls, office: Office) -> Area:
        """The area of an office (from its YAML configuration)."""
        return cls(
            city=office.city.upper(),
            province=office.province.upper(),
            districts=tuple(
                Kecamatan(
                    code=d.code.replace(".", ""),
                    name=d.name.upper(),
                    kelurahan=tuple(k.upper() for k in d.kelurahan),
                )
                for d in office.districts
            ),
        )

    def kecamatan(self, name: str) -> Kecamatan | None:
        """The district called ``name`` (any case)."""
        wanted = name.strip().upper()
        return next((d for d in self.districts if d.name == wanted), None)


class FamilyCardInvalid(ValueError):  # noqa: N818 - reads as "the family card is Invalid"
    """A draft that cannot be printed yet; ``errors`` says what to fix, field by field."""

    def __init__(self, errors: Mapping[FieldKey, Text]) -> None:
        super().__init__(f"{len(errors)} field(s) to fix: {', '.join(sorted(errors))}")
        self.errors: dict[FieldKey, Text] = dict(errors)


def member_key(index: int, name: str) -> FieldKey:
    """The draft key of field ``name`` of member row ``index`` (from 0)."""
    return f"members.{index}.{name}"


# -- drafts ------------------------------------------------------------------------------------


def member_count(draft: Mapping[str, str]) -> int:
    """How many member rows ``draft`` has (the highest row number present, plus one)."""
    rows = [int(m.group(1)) for k in draft if (m := _MEMBER_KEY.fullmatch(k))]
    return max(rows, default=-1) + 1


def members_of(draft: Mapping[str, str]) -> list[dict[str, str]]:
    """The member rows of ``draft``, each with every member field (blank when absent)."""
    return [
        {name: draft.get(member_key(i, name), "") for name in MEMBER_FIELDS}
        for i in range(member_count(draft))
    ]


def with_members(draft: Mapping[str, str], rows: list[dict[str, str]]) -> Draft:
    """``draft``'s card fields with ``rows`` as its members (renumbered from 0)."""
    out = {name: draft.get(name, "") for name in CARD_FIELDS}
    for i, row in enumerate(rows[:MAX_MEMBERS]):
        for name in MEMBER_FIELDS:
            out[member_key(i, name)] = row.get(name, "")
    return out


def add_member(draft: Mapping[str, str]) -> Draft:
    """``draft`` with an empty member row at the end (no more than ``MAX_MEMBERS``)."""
    rows = members_of(draft)
    if len(rows) < MAX_MEMBERS:
        rows.append({name: ROW_DEFAULTS.get(name, "") for name in MEMBER_FIELDS})
    return with_members(draft, rows)


def remove_member(draft: Mapping[str, str], index: int) -> Draft:
    """``draft`` without member row ``index`` (unchanged when there is no such row)."""
    rows = members_of(draft)
    if 0 <= index < len(rows):
        del rows[index]
    return with_members(draft, rows)


def move_member_up(draft: Mapping[str, str], index: int) -> Draft:
    """``draft`` with member row ``index`` swapped with the row above it."""
    rows = members_of(draft)
    if 0 < index < len(rows):
        rows[index - 1], rows[index] = rows[index], rows[index - 1]
    return with_members(draft, rows)


def draft_from_form(form: Mapping[str, Any]) -> Draft:
    """The draft in a posted form: the known fields only, as text, trimmed and length-capped.

    Member rows are renumbered densely (row numbers from ``MAX_MEMBERS`` on are ignored), so a
    crafted gap or a huge row number cannot make rows appear from nothing.
    """

    def text(key: str) -> str:
        value = form.get(key)
        return value.strip()[:MAX_VALUE_LENGTH] if isinstance(value, str) else ""

    out = {name: text(name) for name in CARD_FIELDS}
    indexes = sorted(
        {
            int(m.group(1))
            for k in form
            if (m := _MEMBER_KEY.fullmatch(str(k)))
            and m.group(2) in MEMBER_FIELDS
            and int(m.group(1)) < MAX_MEMBERS
        }
    )
    rows = [{name: text(member_key(i, name)) for name in MEMBER_FIELDS} for i in indexes]
    return with_members(out, rows)


def _blank(row: Mapping[str, str]) -> bool:
    """A row nobody filled in (only the defaults a new row starts with)."""
    return all(not v or ROW_DEFAULTS.get(k) == v for k, v in row.items())


# -- prefill -----------------------------------------------------------------------------------


def _dmy(d: date) -> str:
    return f"{d.day:02d}-{d.month:02d}-{d.year:04d}"


def _iso_to_dmy(value: object) -> str:
    try:
        return _dmy(date.fromisoformat(str(value)))
    except ValueError:
        return ""


def _upper(value: object) -> str:
    return " ".join(str(value or "").split()).upper()


def _from_nik(nik: str, today: date) -> dict[str, str]:
    """Sex and birth date a NIK encodes (nothing when it does not parse)."""
    try:
        info = parse_nik(nik, today=today)
    except Invalid:
        return {}
    return {"sex": info.sex, "birth_date": _dmy(info.birth_date)}


def _changed_member(item: Mapping[str, Any], change: str, today: date) -> dict[str, str]:
    """A member row from one item of the form's ``members`` group."""
    row = {name: ROW_DEFAULTS.get(name, "") for name in MEMBER_FIELDS}
    nik = "".join(c for c in str(item.get("nik") or "") if c.isdigit())
    row.update(_from_nik(nik, today))
    row["nik"] = nik
    row["name"] = _upper(item.get("name"))
    if item.get("sex") in SEXES:
        row["sex"] = str(item["sex"])
    if item.get("birth_place"):
        row["birth_place"] = _upper(item["birth_place"])
    if item.get("birth_date"):
        row["birth_date"] = _iso_to_dmy(item["birth_date"]) or row.get("birth_date", "")
    row["relationship"] = FORM_RELATIONSHIPS.get(str(item.get("relationship") or ""), "")
    row["mother_name"] = _upper(item.get("mother_name"))
    row["father_name"] = _upper(item.get("father_name"))
    if change == "tambah_anggota":
        row.update(NEWBORN_DEFAULTS)
    row["education"] = FORM_EDUCATIONS.get(str(item.get("education_after")), row["education"])
    row["religion"] = FORM_RELIGIONS.get(str(item.get("religion_after")), row["religion"])
    marital = FORM_MARITAL_STATUSES.get(str(item.get("marital_after")))
    if marital is not None:
        row["marital_status"] = marital
        if marital in MARRIED and item.get("marriage_date"):
            row["marriage_date"] = _iso_to_dmy(item["marriage_date"])
    after = _upper(item.get("after"))
    if after and change == "pekerjaan":
        row["occupation"] = after
    if after and change == "nama":
        row["name"] = after
    return row


def prefill(answers: Mapping[str, Any], *, area: Area, today: date) -> Draft:
    """A first draft of the new KK from a ``kk_ubah`` submission's answers.

    The KK number and the applicant (as head of family, sex and birth date read from the NIK),
    the members whose data changes with their new values in the KK's vocabulary (a newborn
    starts not schooled, not working, not married), the city and province of the office, and
    the kecamatan the KK number's district code names. Staff check everything against SIAK and
    add the other members.
    """
    draft: Draft = dict.fromkeys(CARD_FIELDS, "")
    kk = "".join(c for c in str(answers.get("kk_number") or "") if c.isdigit())
    draft["kk_number"] = kk
    draft["city"], draft["province"] = area.city, area.province
    district = next((d for d in area.districts if kk[:6] == d.code), None)
    if district is not None:
        draft["kecamatan"] = district.name
    applicant = _upper(answers.get("applicant_name"))
    applicant_nik = "".join(c for c in str(answers.get("applicant_nik") or "") if c.isdigit())
    draft["head_name"] = applicant
    change = str(answers.get("change_type") or "")
    group = answers.get("members")
    items = [m for m in group if isinstance(m, Mapping)] if isinstance(group, list) else []
    changed = [_changed_member(m, change, today) for m in items]
    mine = next((r for r in changed if applicant_nik and r["nik"] == applicant_nik), None)
    if mine is not None:
        changed.remove(mine)
        head = mine
    else:
        head = {name: ROW_DEFAULTS.get(name, "") for name in MEMBER_FIELDS}
        head.update(_from_nik(applicant_nik, today))
        head["name"], head["nik"] = applicant, applicant_nik
    head["relationship"] = HEAD
    draft["head_name"] = head["name"]  # the new name when the applicant's own name changes
    return with_members(draft, [head, *changed])


# -- parsing -----------------------------------------------------------------------------------

_REQUIRED: Final = Text("Wajib diisi.", "Required.")
_CHOOSE: Final = Text("Pilih salah satu dari daftar.", "Choose one from the list.")


def _rt_rw(raw: str) -> str:
    if not _RT_RW.fullmatch(raw):
        raise Invalid(
            Text(
                "Tulis 1 sampai 3 angka, misalnya 1 atau 004.",
                "Write 1 to 3 digits, for example 1 or 004.",
            )
        )
    if int(raw) == 0:
        raise Invalid(
            Text("Nomor 0 tidak ada; mulai dari 1.", "There is no number 0; it starts at 1.")
        )
    return raw.zfill(3)


def _postal_code(raw: str) -> str:
    if not _POSTAL_CODE.fullmatch(raw):
        raise Invalid(
            Text(
                "Kode pos terdiri dari 5 angka, misalnya 56126.",
                "A postal code has 5 digits, for example 56126.",
            )
        )
    return raw


def _place(raw: str) -> str:
    text = _upper(raw)
    if len(text) > 60 or not _PLACE.fullmatch(text):
        raise Invalid(
            Text(
                "Tulis nama tempat dengan huruf (paling banyak 60), misalnya MAGELANG.",
                "Write the place name in letters (at most 60), for example MAGELANG.",
            )
        )
    return text


def _free_text(raw: str, *, limit: int, example: str) -> str:
    text = _upper(raw)
    if len(text) > limit or not _FREE_TEXT.fullmatch(text):
        raise Invalid(
            Text(
                f"Gunakan huruf, angka, spasi dan tanda . , / - ' ( ) saja (paling banyak "
                f"{limit}). Contoh: {example}.",
                f"Use letters, digits, spaces and . , / - ' ( ) only (at most {limit}). "
                f"Example: {example}.",
            )
        )
    return text


def _document_number(raw: str) -> str:
    text = "".join(raw.split()).upper()
    if not _DOCUMENT_NUMBER.fullmatch(text):
        raise Invalid(
            Text(
                "Nomor dokumen: 5 sampai 30 huruf atau angka (boleh tanda / dan -).",
                "Document number: 5 to 30 letters or digits (/ and - allowed).",
            )
        )
    return text


def _dmy_date(raw: str, today: date) -> date:
    if not _DMY.fullmatch(raw):
        raise Invalid(
            Text(
                "Tulis tanggal dengan format dd-mm-yyyy, misalnya 17-08-1990.",
                "Write the date as dd-mm-yyyy, for example 17-08-1990.",
            )
        )
    return parse_date(raw, today=today, past_only=True)


class _Checker:
    """Collects the first error of each field while values are read."""

    def __init__(self, draft: Mapping[str, str]) -> None:
        self.draft = draft
        self.errors: dict[FieldKey, Text] = {}

    def value(
        self, key: FieldKey, read: Callable[[str], _T], *, required: bool = True
    ) -> _T | None:
        """``read`` of the field's text; ``None`` (and an error when required) when blank or
        invalid."""
        raw = self.draft.get(key, "").strip()
        if not raw:
            if required:
                self.errors[key] = _REQUIRED
            return None
        try:
            return read(raw)
        except Invalid as exc:
            self.errors[key] = exc.message
            return None

    def choice(self, key: FieldKey, allowed: tuple[str, ...], *, required: bool = True) -> str:
        """The field's value if it is one of ``allowed`` (any case), else an error."""
        raw = _upper(self.draft.get(key, ""))
        if not raw:
            if required:
                self.errors[key] = _REQUIRED
            return ""
        if raw not in allowed:
            self.errors[key] = _CHOOSE
            return ""
        return raw

    def fail(self, key: FieldKey, message: Text) -> None:
        """Record ``message`` for ``key`` unless the field already has an error."""
        self.errors.setdefault(key, message)


def _address(check: _Checker, area: Area) -> Address:
    kecamatan = check.choice("kecamatan", tuple(d.name for d in area.districts))
    district = area.kecamatan(kecamatan) if kecamatan else None
    kelurahan = check.choice("kelurahan", tuple(k for d in area.districts for k in d.kelurahan))
    if district is not None and kelurahan and kelurahan not in district.kelurahan:
        check.fail(
            "kelurahan",
            Text(
                f"Kelurahan {kelurahan} tidak termasuk Kecamatan {district.name}.",
                f"Kelurahan {kelurahan} is not in Kecamatan {district.name}.",
            ),
        )
    return Address(
        street=check.value("street", lambda r: _free_text(r, limit=80, example="JL. TIDAR NO. 12"))
        or "",
        rt=check.value("rt", _rt_rw) or "",
        rw=check.value("rw", _rt_rw) or "",
        kelurahan=kelurahan,
        kecamatan=kecamatan,
        city=check.value("city", _place) or "",
        postal_code=check.value("postal_code", _postal_code) or "",
        province=check.value("province", _place) or "",
    )


def _member(check: _Checker, i: int, today: date) -> FamilyMember | None:
    def key(name: str) -> FieldKey:
        return member_key(i, name)

    def name(raw: str) -> str:
        return parse_name(raw, new_registration=False)

    def day(raw: str) -> date:
        return _dmy_date(raw, today)

    before = len(check.errors)
    full_name = check.value(key("name"), name)
    nik = check.value(key("nik"), lambda r: parse_nik(r, today=today).nik)
    sex = check.choice(key("sex"), SEXES)
    birth_place = check.value(key("birth_place"), _place)
    birth_date = check.value(key("birth_date"), day)
    religion = check.choice(key("religion"), RELIGIONS)
    education = check.choice(key("education"), EDUCATIONS)
    occupation = check.value(
        key("occupation"), lambda r: _free_text(r, limit=60, example="KARYAWAN SWASTA")
    )
    blood_type = check.choice(key("blood_type"), BLOOD_TYPES)
    relationship = check.choice(key("relationship"), RELATIONSHIPS)
    marital = check.choice(key("marital_status"), MARITAL_STATUSES)
    marriage_date = check.value(key("marriage_date"), day, required=False)
    citizenship = check.choice(key("citizenship"), CITIZENSHIPS)
    passport = check.value(key("passport_number"), _document_number, required=False)
    kitas = check.value(key("kitas_number"), _document_number, required=False)
    father = check.value(key("father_name"), name, required=False)
    mother = check.value(key("mother_name"), name)
    if marital == "KAWIN TERCATAT" and marriage_date is None:
        check.fail(
            key("marriage_date"),
            Text(
                "Perkawinan tercatat: isi tanggal perkawinan (dd-mm-yyyy).",
                "A registered marriage needs its date (dd-mm-yyyy).",
            ),
        )
    if marital and marital not in MARRIED and check.draft.get(key("marriage_date"), "").strip():
        check.fail(
            key("marriage_date"),
            Text(
                f"Tanggal perkawinan hanya untuk status kawin; statusnya {marital}. "
                "Kosongkan isian ini.",
                f"A marriage date is only for a married person; the status is {marital}. "
                "Leave it empty.",
            ),
        )
    if marriage_date is not None and birth_date is not None and marriage_date <= birth_date:
        check.fail(
            key("marriage_date"),
            Text(
                "Tanggal perkawinan harus sesudah tanggal lahir.",
                "The marriage date must be after the date of birth.",
            ),
        )
    if citizenship == "WNI" and check.draft.get(key("kitas_number"), "").strip():
        check.fail(
            key("kitas_number"),
            Text(
                "KITAS/KITAP hanya untuk WNA. Kosongkan isian ini.",
                "A KITAS/KITAP is for foreign citizens (WNA) only. Leave it empty.",
            ),
        )
    if citizenship == "WNA" and not check.draft.get(key("passport_number"), "").strip():
        check.fail(
            key("passport_number"), Text("WNA: isi nomor paspor.", "WNA: the passport number.")
        )
    if (
        len(check.errors) > before
        or full_name is None
        or nik is None
        or birth_place is None
        or birth_date is None
        or occupation is None
        or mother is None
    ):
        return None
    return FamilyMember(
        name=full_name,
        nik=nik,
        sex=_sex(sex),
        birth_place=birth_place,
        birth_date=birth_date,
        religion=religion,
        education=education,
        occupation=occupation,
        relationship=relationship,
        marital_status=marital,
        father_name=father or "",
        mother_name=mother,
        blood_type=blood_type,
        marriage_date=marriage_date,
        citizenship=citizenship,
        passport_number=passport or "",
        kitas_number=kitas or "",
    )


def _sex(value: str) -> Sex:
    return "P" if value == "P" else "L"


def _family(check: _Checker, rows: list[tuple[int, dict[str, str]]], head_name: str | None) -> None:
    """The rules across members: one head of family, first, named as the card says; one NIK
    per person."""
    if not rows:
        check.fail(
            MEMBERS,
            Text(
                "Isi paling sedikit satu anggota: kepala keluarga.",
                "Fill in at least one member: the head of family.",
            ),
        )
        return
    heads = [i for i, row in rows if _upper(row["relationship"]) == HEAD]
    if not heads:
        check.fail(
            MEMBERS,
            Text(
                f"Satu anggota harus berstatus {HEAD} (baris pertama).",
                f"One member must have the relationship {HEAD} (the first row).",
            ),
        )
    for extra in heads[1:]:
        check.fail(
            member_key(extra, "relationship"),
            Text(f"Hanya boleh satu {HEAD}.", f"There can be only one {HEAD}."),
        )
    first = rows[0][0]
    if heads and heads[0] != first:
        check.fail(
            member_key(heads[0], "relationship"),
            Text(
                f"{HEAD} harus anggota pertama; naikkan baris ini ke atas.",
                f"The {HEAD} must be the first member; move this row to the top.",
            ),
        )
    if heads and head_name:
        row = dict(rows)[heads[0]]
        try:
            head_member = parse_name(row["name"], new_registration=False)
        except Invalid:
            head_member = None
        if head_member is not None and head_member != head_name:
            check.fail(
                "head_name",
                Text(
                    f"Harus sama dengan nama anggota {HEAD}: {head_member}.",
                    f"Must be the name of the member who is {HEAD}: {head_member}.",
                ),
            )
    seen: dict[str, int] = {}
    for number, (i, row) in enumerate(rows, start=1):
        nik = "".join(c for c in row["nik"] if c.isdigit())
        if len(nik) != 16:
            continue
        if nik in seen:
            check.fail(
                member_key(i, "nik"),
                Text(
                    f"NIK ini sudah dipakai anggota ke-{seen[nik]}.",
                    f"This NIK is already used by member {seen[nik]}.",
                ),
            )
        else:
            seen[nik] = number


def parse_family_card(draft: Mapping[str, str], *, area: Area, today: date) -> FamilyCard:
    """The KK a completed draft describes, or ``FamilyCardInvalid`` with every problem.

    KK number and NIKs by the project's validators, dates ``dd-mm-yyyy`` not in the future,
    names (Permendagri 73/2022; one-word names of registered people accepted), RT/RW 1-3 digits,
    postal code 5 digits, the fixed vocabularies, a marriage date only for a married person,
    exactly one head of family placed first and named as the card's head, NIKs unique. Rows
    nobody filled in are ignored.
    """
    check = _Checker(draft)
    kk_number = check.value("kk_number", parse_kk)
    head_name = check.value("head_name", lambda r: parse_name(r, new_registration=False))
    address = _address(check, area)
    rows = [(i, row) for i, row in enumerate(members_of(draft)) if not _blank(row)]
    members = [_member(check, i, today) for i, _ in rows]
    _family(check, rows, head_name)
    if check.errors or kk_number is None or head_name is None:
        raise FamilyCardInvalid(check.errors)
    return FamilyCard(
        kk_number=kk_number,
        head_name=head_name,
        address=address,
        members=tuple(m for m in members if m is not None),
    )


def draft_of(card: FamilyCard) -> Draft:
    """A parsed KK back as a draft: what is stored, normalised (digits only, capitals)."""
    a = card.address
    draft: Draft = {
        "kk_number": card.kk_number,
        "head_name": card.head_name,
        "street": a.street,
        "rt": a.rt,
        "rw": a.rw,
        "kelurahan": a.kelurahan,
        "kecamatan": a.kecamatan,
        "city": a.city,
        "postal_code": a.postal_code,
        "province": a.province,
    }
    rows = [
        {
            "name": m.name,
            "nik": m.nik,
            "sex": m.sex,
            "birth_place": m.birth_place,
            "birth_date": _dmy(m.birth_date),
            "religion": m.religion,
            "education": m.education,
            "occupation": m.occupation,
            "blood_type": m.blood_type,
            "relationship": m.relationship,
            "marital_status": m.marital_status,
            "marriage_date": _dmy(m.marriage_date) if m.marriage_date else "",
            "citizenship": m.citizenship,
            "passport_number": m.passport_number,
            "kitas_number": m.kitas_number,
            "father_name": m.father_name,
            "mother_name": m.mother_name,
        }
        for m in card.members
    ]
    return with_members(draft, rows)
