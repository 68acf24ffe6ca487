"""Small form definitions for the engine and loader tests, and the real forms loaded once.

Forms are built as plain data (the mapping a form file holds) and checked by the real loader, so
a test form is as valid as a real one. ``base_form`` is a minimal valid form the loader tests
break one key at a time; ``single`` wraps one question between two plain text questions.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

from flows.definition import Form
from flows.loader import parse_form, parse_form_yaml
from flows.protocol import DynamicChoice
from flows.text import Text

FORMS_DIR = Path(__file__).resolve().parents[2] / "flows" / "forms"
REAL_FORMS = ("ktp_rekam", "kk_ubah", "ktp_ganti")

# Synthetic NIKs and KK numbers (no real person's).
NIK_WOMAN_2010 = "3371015708100001"
"""Kota Magelang, a woman born 17-08-2010, serial 0001."""
NIK_MAN_1985 = "3371011203850002"
"""Kota Magelang, a man born 12-03-1985, serial 0002."""
NIK_WOMAN_1990 = "3371015708900003"
"""Kota Magelang, a woman born 17-08-1990, serial 0003."""
NIK_CHILD_2015 = "3371010105150004"
"""Kota Magelang, a boy born 01-05-2015, serial 0004."""
KK_NUMBER = "3371012001150003"
"""A Kota Magelang family card number."""


def t(id_: str, en: str | None = None) -> dict[str, str]:
    """A bilingual text as a form file holds it (``en`` defaults to ``id`` + " (en)")."""
    return {"id": id_, "en": en if en is not None else f"{id_} (en)"}


@cache
def real_form(form_id: str) -> Form:
    """One of the forms shipped in ``flows/forms``."""
    path = FORMS_DIR / f"{form_id}.yaml"
    return parse_form_yaml(path.read_text(encoding="utf-8"), str(path))


def base_data(questions: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    """A minimal valid form as plain data; ``questions`` replace the default one."""
    data: dict[str, Any] = {
        "id": "test_form",
        "title": t("Formulir uji", "Test form"),
        "intro": t("Ini formulir uji.", "This is a test form."),
        "reference_prefix": "TST",
        "done": t("Diterima: {reference}.", "Received: {reference}."),
        "questions": questions
        if questions is not None
        else [{"id": "q1", "type": "text", "label": t("Pertanyaan satu", "Question one")}],
    }
    data.update(extra)
    return data


def build(questions: list[dict[str, Any]], source: str = "test_form.yaml", **extra: Any) -> Form:
    """A checked form of ``questions``."""
    return parse_form(copy.deepcopy(base_data(questions, **extra)), source)


BEFORE = {"id": "before", "type": "text", "label": t("Pertanyaan awal", "First question")}
AFTER = {"id": "after", "type": "text", "label": t("Pertanyaan akhir", "Last question")}


def single(qtype: str, **options: Any) -> Form:
    """A form asking ``before`` (text), then question ``q`` of ``qtype``, then ``after``."""
    q: dict[str, Any] = {
        "id": "q",
        "type": qtype,
        "label": t("Pertanyaan uji", "Test question"),
        **options,
    }
    service = {"service": "test_service"} if qtype == "day" else {}
    return build([dict(BEFORE), q, dict(AFTER)], **service)


COLOURS = [
    {"value": "merah", "label": t("Merah", "Red")},
    {"value": "hijau", "label": t("Hijau", "Green")},
    {"value": "biru", "label": t("Biru", "Blue")},
]

DAYS = (
    DynamicChoice(
        "2026-12-07", Text("Senin, 7 Desember 2026 (12)", "Monday, 7 December 2026 (12)")
    ),
    DynamicChoice(
        "2026-12-08", Text("Selasa, 8 Desember 2026", "Tuesday, 8 December 2026"), enabled=False
    ),
    DynamicChoice(
        "2026-12-09", Text("Rabu, 9 Desember 2026 (3)", "Wednesday, 9 December 2026 (3)")
    ),
)
"""Bookable days as ``booking.days`` supplies them; the 8th is full."""

KELURAHAN = tuple(
    DynamicChoice(value, Text(name, name))
    for value, name in (
        ("magersari", "Magersari"),
        ("tidar_utara", "Tidar Utara"),
        ("wates", "Wates"),
        ("kemirirejo", "Kemirirejo"),
    )
)
"""``office.kelurahan`` for Kota Magelang (a few of them)."""

REAL_CHOICES = {"booking.days": DAYS, "office.kelurahan": KELURAHAN}
"""Every ``choices_from`` source the real forms use."""


def group_form(min_items: int = 1, max_items: int = 3) -> Form:
    """A family form: a top-level ``change`` choice, then a repeated group of members whose
    sub-questions depend on it and on each other, then a closing ``note``."""
    return build(
        [
            {
                "id": "change",
                "type": "choice",
                "label": t("Jenis perubahan", "Kind of change"),
                "choices": [
                    {"value": "tambah", "label": t("Tambah anggota", "Add member")},
                    {"value": "ubah", "label": t("Ubah data", "Change data")},
                ],
            },
            {
                "id": "members",
                "type": "group",
                "label": t("Anggota", "Members"),
                "item_label": t("Anggota ke-{n}", "Member {n}"),
                "add_more": t("Ada anggota lain?", "Another member?"),
                "min_items": min_items,
                "max_items": max_items,
                "questions": [
                    {"id": "name", "type": "name", "label": t("Nama anggota", "Member name")},
                    {
                        "id": "born",
                        "type": "date",
                        "past_only": True,
                        "when": {"question": "change", "equals": "tambah"},
                        "label": t("Tanggal lahir", "Date of birth"),
                    },
                    {
                        "id": "nik",
                        "type": "nik",
                        "when": {"question": "change", "equals": "ubah"},
                        "label": t("NIK anggota", "Member NIK"),
                    },
                    {
                        "id": "works",
                        "type": "yes_no",
                        "label": t("Sudah bekerja?", "Employed?"),
                    },
                    {
                        "id": "job",
                        "type": "text",
                        "when": {"question": "works", "equals": True},
                        "label": t("Pekerjaan", "Occupation"),
                    },
                ],
            },
            {"id": "note", "type": "text", "label": t("Catatan", "Note")},
        ]
    )


SMALL_FORM_YAML = """\
id: kecil
title: {id: Formulir kecil, en: Small form}
intro: {id: Formulir untuk uji., en: A form for tests.}
reference_prefix: KCL
done: {id: "Diterima: {reference}.", en: "Received: {reference}."}
questions:
  - id: warna
    type: choice
    label: {id: Warna, en: Colour}
    choices:
      - {value: merah, label: {id: Merah, en: Red}}
      - {value: biru, label: {id: Biru, en: Blue}}
  - id: alasan
    type: text
    required: false
    when: {question: warna, equals: merah}
    label: {id: "Kenapa merah?", en: "Why red?"}
"""
"""A small valid form file; the loader tests break it one line at a time."""
