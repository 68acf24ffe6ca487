"""Tests for flows.engine: every question type, navigation, summary, warnings, groups, whole forms.

Conversations run through ``tests.flows.driver.Driver``, which resolves the engine's effects
like the dialog service does. All NIK and KK numbers are synthetic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from flows import engine
from flows.protocol import (
    Closed,
    Command,
    DynamicChoice,
    LoadChoices,
    OfferHelp,
    Resume,
    Start,
    Submit,
    SubmitFailed,
    Submitted,
    Tap,
    TextIn,
)
from flows.state import MORE, State
from flows.text import LANGS, Lang, Text
from tests.flows.driver import TODAY, Driver, reloaded, strip_html
from tests.flows.forms_for_tests import (
    COLOURS,
    DAYS,
    KELURAHAN,
    KK_NUMBER,
    NIK_CHILD_2015,
    NIK_MAN_1985,
    NIK_WOMAN_1990,
    NIK_WOMAN_2010,
    REAL_CHOICES,
    build,
    group_form,
    real_form,
    single,
    t,
)

LABEL = {"id": "Pertanyaan uji", "en": "Test question"}


def at_question(form_type: str, lang: Lang = "id", **options: Any) -> Driver:
    """A driver on question ``q`` of a ``single`` form (the ``before`` question answered)."""
    drv = Driver(single(form_type, **options), lang=lang, choices={"booking.days": DAYS})
    drv.type("awal")
    assert drv.path == ("q",)
    return drv


def plain(value: Any) -> Any:
    """``value`` as it comes back from a JSON column."""
    return json.loads(json.dumps(value))


def add_member(drv: Driver, name: str, nik: str) -> None:
    """Answer one member of ``group_form`` under "Ubah data": name, NIK, not employed."""
    drv.type(name)
    drv.type(nik)
    drv.tap("Tidak")


# --- every question type: a good answer, and a bad one -----------------------------------------


@dataclass(frozen=True)
class Case:
    """One question type: how to answer it well, what is stored, how to answer it badly and
    what the citizen is told then (a distinctive part, in each language)."""

    qtype: str
    good: list[tuple[str, Any]]
    stored: Any
    bad: list[tuple[str, Any]]
    msg: dict[str, str]
    options: dict[str, Any] = field(default_factory=dict)


CASES = [
    Case(
        "text",
        [("type", "  Jl.  Pemuda <5> & Co  ")],
        "Jl. Pemuda <5> & Co",
        [("type", "x" * 301)],
        {"id": "Jawaban terlalu panjang (301 karakter)", "en": "too long (301 characters)"},
    ),
    Case(
        "name",
        [("type", "siti   aminah")],
        "SITI AMINAH",
        [("type", "Siti 2")],
        {"id": "Nama tidak boleh berisi angka", "en": "A name cannot contain digits"},
    ),
    Case(
        "number",
        [("type", "7")],
        7,
        [("type", "25")],
        {"id": "Angka itu di luar batas", "en": "That number is out of range"},
        {"minimum": 0, "maximum": 20, "unit": t("orang", "people")},
    ),
    Case(
        "date",
        [("type", "17 Agustus 1990")],
        "1990-08-17",
        [("type", "31-02-1990")],
        {"id": "Tanggal 31 Februari 1990 tidak ada", "en": "February 1990 has no day 31"},
        {"past_only": True},
    ),
    Case(
        "choice",
        [("action", "c:1")],
        "hijau",
        [("type", "9")],
        {"id": "ketik nomornya (1–3)", "en": "type its number (1–3)"},
        {"choices": COLOURS},
    ),
    Case(
        "multi",
        [("action", "m:2"), ("action", "m:0"), ("action", "m:done")],
        ["merah", "biru"],
        [("action", "m:done")],
        {"id": "Pilih sedikitnya satu", "en": "Choose at least one"},
        {"choices": COLOURS},
    ),
    Case(
        "yes_no",
        [("action", "n")],
        False,
        [("type", "mungkin")],
        {"id": "jawab dengan tombol Ya atau Tidak", "en": "answer with the Yes or No button"},
    ),
    Case(
        "consent",
        [("action", "y")],
        True,
        [("action", "n")],
        {"id": "Tanpa persetujuan Anda", "en": "Without your consent"},
    ),
    Case(
        "nik",
        [("type", "3371 0157 0810 0001")],
        NIK_WOMAN_2010,
        [("type", "33710157081000")],
        {"id": "NIK harus 16 angka; yang Anda ketik 14", "en": "A NIK has 16 digits; you typed 14"},
    ),
    Case(
        "kk",
        [("type", "3371-0120-0115-0003")],
        KK_NUMBER,
        [("type", "9971012001150003")],
        {"id": "Kode provinsi 99", "en": "Province code 99"},
    ),
    Case(
        "phone",
        [("type", "0812-3456-7890")],
        "+6281234567890",
        [("type", "+1 202 555 0100")],
        {"id": "hanya nomor Indonesia (+62)", "en": "only Indonesian numbers (+62)"},
    ),
    Case(
        "email",
        [("type", " Budi@Gmail.com ")],
        "Budi@gmail.com",
        [("type", "budi@gmail")],
        {"id": "maksud Anda @gmail.com?", "en": "did you mean @gmail.com?"},
    ),
    Case(
        "file",
        [("upload", ("image/jpeg", 200_000, "ktp.jpg", "f-1"))],
        {"ref": "f-1", "mime": "image/jpeg", "size": 200_000, "name": "ktp.jpg"},
        [("upload", ("text/plain", 100, "a.txt", "f-2"))],
        {
            "id": "Jenis berkas ini (text/plain) tidak bisa diterima",
            "en": "This type of file (text/plain) cannot be accepted",
        },
        {"accept": ["image/*", "application/pdf"], "max_size_mb": 1},
    ),
    Case(
        "temperature",
        [("type", "36,5 °C")],
        36.5,
        [("type", "98,6")],
        {"id": "Sepertinya itu derajat Fahrenheit", "en": "That looks like degrees Fahrenheit"},
    ),
    Case(
        "day",
        [("action", "c:2")],
        "2026-12-09",
        [("action", "x:1")],
        {"id": "hari itu sudah penuh", "en": "that day is full"},
        {"choices_from": "booking.days"},
    ),
]


def do(drv: Driver, steps: list[tuple[str, Any]]) -> None:
    """Carry out ``("type", text)``, ``("action", data)`` and ``("upload", (mime, size, name,
    ref))`` steps."""
    for how, arg in steps:
        if how == "type":
            drv.type(arg)
        elif how == "action":
            drv.tap_action(arg)
        elif how == "upload":
            mime, size, name, ref = arg
            drv.upload(mime, size, name, ref=ref)
        else:  # pragma: no cover - a typo in a case
            raise ValueError(how)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.qtype)
@pytest.mark.parametrize("lang", LANGS)
def test_a_good_answer_is_stored_in_json_friendly_form(case: Case, lang: Lang) -> None:
    drv = at_question(case.qtype, lang, **case.options)
    do(drv, case.good)
    assert drv.answers["q"] == case.stored
    assert type(drv.answers["q"]) is type(case.stored)
    assert plain(drv.answers["q"]) == case.stored
    assert drv.path == ("after",)
    assert drv.state.failures == 0


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.qtype)
@pytest.mark.parametrize("lang", LANGS)
def test_a_bad_answer_gets_a_specific_message_and_the_question_again(
    case: Case, lang: Lang
) -> None:
    drv = at_question(case.qtype, lang, **case.options)
    before = dict(drv.answers)
    seq = drv.state.seq
    do(drv, case.bad)
    reply = drv.last[-1]
    assert reply.kind == "error"
    text = strip_html(reply.text)
    assert case.msg[lang] in text
    assert case.msg["en" if lang == "id" else "id"] not in text
    assert LABEL[lang] in text, "the question is asked again"
    assert drv.path == ("q",)
    assert drv.state.phase == "asking"
    assert dict(drv.answers) == before
    assert drv.state.failures == 1
    # The buttons already on screen keep working after an error.
    assert drv.state.seq == seq
    # ... and a good answer still goes through.
    if case.qtype == "multi":
        do(drv, case.good[:-1])
        drv.tap_action("m:done")
    else:
        do(drv, case.good)
    assert drv.answers["q"] == case.stored
    assert drv.path == ("after",)


def test_reply_texts_escape_what_the_citizen_typed() -> None:
    drv = at_question("text")
    drv.type("<b>Jl. Pemuda</b> & <script>")
    drv.command("back")
    reply = drv.last[-1]
    assert "&lt;b&gt;Jl. Pemuda&lt;/b&gt; &amp; &lt;script&gt;" in reply.text
    assert "<script>" not in reply.text
    # Button labels are plain text, not HTML.
    assert any("<b>Jl. Pemuda</b>" in b.label for b in reply.button_list())


def test_number_with_decimals_and_its_unit_in_the_summary() -> None:
    drv = at_question("number", integer=False, unit=t("kg", "kg"))
    drv.type("2,5")
    assert drv.answers["q"] == 2.5
    drv.type("akhir")
    assert "Pertanyaan uji: 2.5 kg" in drv.last_text()


def test_date_in_the_future_on_a_past_only_question() -> None:
    for lang, msg in (("id", "Tanggal paling lambat 3 Desember 2026"), ("en", "on or before")):
        drv = at_question("date", lang, past_only=True)
        drv.type("04-12-2026")
        assert msg in drv.last_text()
        assert "q" not in drv.answers


# --- choice, multi, day -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "lang"),
    [
        ("2", "id"),
        ("hijau", "id"),
        ("Hijau", "en"),
        ("green", "en"),
        ("GREEN", "id"),
        ("hij", "id"),
    ],
)
def test_choice_by_typed_number_or_label(typed: str, lang: Lang) -> None:
    drv = at_question("choice", lang, choices=COLOURS)
    drv.type(typed)
    assert drv.answers["q"] == "hijau"
    assert drv.path == ("after",)


def test_choice_by_button_shows_the_labels_in_the_citizens_language() -> None:
    drv = at_question("choice", "en", choices=COLOURS)
    assert drv.labels()[:3] == ["Red", "Green", "Blue"]
    drv.tap("Blue")
    assert drv.answers["q"] == "biru"


def test_multi_toggles_by_taps_and_stores_in_option_order() -> None:
    drv = at_question("multi", choices=COLOURS)
    seq = drv.state.seq
    drv.tap("Biru")
    assert "☑️ Biru" in drv.labels()
    assert "▫️ Merah" in drv.labels()
    drv.tap("Merah")
    drv.tap("Hijau")
    drv.tap("Hijau")  # ticked twice: off again
    assert "▫️ Hijau" in drv.labels()
    assert drv.state.seq == seq, "ticking keeps the buttons on screen working"
    assert drv.state.selection == ("merah", "biru")
    assert "q" not in drv.answers
    drv.tap("Selesai memilih")
    assert drv.answers["q"] == ["merah", "biru"]
    assert drv.state.selection == ()
    assert drv.path == ("after",)


@pytest.mark.parametrize("typed", ["1,3", "1, 3", "1 3", "3,1", "1;3;1"])
def test_multi_typed_numbers_are_stored_in_option_order(typed: str) -> None:
    drv = at_question("multi", choices=COLOURS)
    drv.type(typed)
    assert drv.answers["q"] == ["merah", "biru"]
    assert drv.path == ("after",)


@pytest.mark.parametrize("qtype", ["choice", "multi"])
@pytest.mark.parametrize("typed", ["²", "1,²", "0", "9" * 5000, "1," + "9" * 5000])
def test_typed_numbers_that_are_no_option_are_refused(qtype: str, typed: str) -> None:
    drv = at_question(qtype, choices=COLOURS)
    drv.type(typed)
    assert "ketik nomornya (1–3)" in drv.last_text()
    assert "q" not in drv.answers


def test_a_forged_button_number_is_stale() -> None:
    drv = at_question("choice", choices=COLOURS)
    for arg in ("²", "9" * 5000, "-1", "3"):
        drv.tap_data(f"{drv.state.seq}:c:{arg}")
        assert "Tombol itu dari pesan lama" in drv.last_text()
    assert "q" not in drv.answers


def test_multi_typed_number_out_of_range() -> None:
    drv = at_question("multi", choices=COLOURS)
    drv.type("1,4")
    assert "ketik nomornya (1–3)" in drv.last_text()
    assert "q" not in drv.answers


def test_multi_done_with_nothing_on_an_optional_question_and_skip() -> None:
    drv = at_question("multi", choices=COLOURS, required=False)
    drv.tap("Selesai memilih")
    assert drv.answers["q"] == []
    drv.command("back")
    drv.command("skip")
    assert drv.answers["q"] is None
    assert drv.path == ("after",)


def test_multi_back_shows_the_earlier_selection_ticked() -> None:
    drv = at_question("multi", choices=COLOURS)
    drv.type("2,3")
    drv.command("back")
    assert drv.state.selection == ("hijau", "biru")
    assert "☑️ Hijau" in drv.labels()
    drv.tap("Selesai memilih")
    assert drv.answers["q"] == ["hijau", "biru"]


@pytest.mark.parametrize("lang", LANGS)
def test_a_full_day_cannot_be_chosen(lang: Lang) -> None:
    drv = at_question("day", lang, choices_from="booking.days")
    full = {"id": "penuh", "en": "full"}[lang]
    assert any(full in label for label in drv.labels())
    drv.tap_action("x:1")
    assert {"id": "sudah penuh", "en": "that day is full"}[lang] in drv.last_text()
    drv.type("2")
    assert {"id": "sudah penuh", "en": "that day is full"}[lang] in drv.last_text()
    drv.type({"id": "Selasa, 8 Desember 2026", "en": "Tuesday, 8 December 2026"}[lang])
    assert {"id": "sudah penuh", "en": "that day is full"}[lang] in drv.last_text()
    assert "q" not in drv.answers
    assert drv.state.failures == 3
    drv.type("1")
    assert drv.answers["q"] == "2026-12-07"


def test_choices_are_loaded_with_the_answers_so_far() -> None:
    drv = Driver(single("day", choices_from="booking.days"), choices={"booking.days": DAYS})
    drv.type("awal")
    loads = drv.effects_of(LoadChoices)
    assert loads == [LoadChoices(("q",), "booking.days", {"before": "awal"})]
    assert drv.state.choices["q"] == DAYS


def test_no_day_left_says_so() -> None:
    drv = Driver(
        single("day", choices_from="booking.days"),
        choices={"booking.days": [DynamicChoice("2026-12-08", Text("Sel", "Tue"), enabled=False)]},
    )
    drv.type("awal")
    assert "belum ada hari yang bisa dipilih" in drv.last_text()


# --- files, contacts, stickers ------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_file_problems(lang: Lang) -> None:
    drv = at_question("file", lang, accept=["image/jpeg", "application/pdf"], max_size_mb=1)
    msgs = {
        "id": ("Berkas terlalu besar (1.5 MB). Paling besar 1.0 MB", "kirim foto atau berkas"),
        "en": ("The file is too large (1.5 MB). At most 1.0 MB", "please send a photo or a file"),
    }[lang]
    drv.upload("image/jpeg", 1536 * 1024, "big.jpg")
    assert msgs[0] in drv.last_text()
    drv.type("ini fotonya")
    assert msgs[1] in drv.last_text()
    drv.other("sticker")
    assert msgs[1] in drv.last_text()
    drv.upload("image/png", 100, "a.png")
    assert {"id": "Yang diterima: JPEG, PDF", "en": "Accepted: JPEG, PDF"}[lang] in drv.last_text()
    assert "q" not in drv.answers
    drv.upload("application/pdf", 1024 * 1024, "ok.pdf", ref="r")
    assert drv.answers["q"] == {
        "ref": "r",
        "mime": "application/pdf",
        "size": 1048576,
        "name": "ok.pdf",
    }


@pytest.mark.parametrize("lang", LANGS)
def test_a_file_on_a_question_that_is_not_about_files(lang: Lang) -> None:
    drv = at_question("text", lang)
    drv.upload("image/jpeg", 100, "a.jpg")
    assert {"id": "tidak memerlukan berkas", "en": "does not need a file"}[lang] in drv.last_text()
    assert drv.path == ("q",)
    assert "q" not in drv.answers


def test_a_file_is_shown_by_its_name_in_the_summary() -> None:
    drv = at_question("file", accept=["image/*"])
    drv.upload("image/webp", 100, "surat <polisi>.webp")
    drv.type("akhir")
    assert "Pertanyaan uji: 📎 surat <polisi>.webp" in drv.last_text()


@pytest.mark.parametrize("shared", ["+6281234567890", "6281234567890", "081234567890"])
def test_a_shared_contact_fills_a_phone_question(shared: str) -> None:
    drv = at_question("phone")
    drv.contact(shared)
    assert drv.answers["q"] == "+6281234567890"
    assert drv.path == ("after",)


@pytest.mark.parametrize("lang", LANGS)
def test_a_shared_contact_is_refused_elsewhere(lang: Lang) -> None:
    drv = at_question("email", lang)
    drv.contact("+6281234567890")
    msg = {"id": "hanya dipakai untuk pertanyaan nomor telepon", "en": "only used for a phone"}
    assert msg[lang] in drv.last_text()
    assert drv.path == ("q",)
    assert "q" not in drv.answers


@pytest.mark.parametrize("lang", LANGS)
def test_a_sticker_gets_a_hint(lang: Lang) -> None:
    drv = at_question("name", lang)
    drv.other("sticker")
    msg = {
        "id": "pesan seperti itu tidak bisa dipakai",
        "en": "that kind of message cannot be used",
    }
    assert msg[lang] in drv.last_text()
    assert LABEL[lang] in drv.last_text()
    assert drv.path == ("q",)


# --- commands -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_back_on_the_first_question_says_there_is_nothing_before(lang: Lang) -> None:
    drv = Driver(single("text"), lang=lang)
    seq = drv.state.seq
    drv.command("back")
    msg = {"id": "Ini pertanyaan pertama", "en": "This is the first question"}
    assert msg[lang] in drv.said()
    assert drv.path == ("before",)
    assert drv.state.seq > seq
    assert not any("back" in b.data for b in drv.buttons()), "no Back on the first question"


def test_back_keeps_answers_and_keep_re_accepts_the_earlier_answer() -> None:
    drv = at_question("choice", choices=COLOURS)
    drv.tap("Biru")
    drv.command("back")
    assert drv.path == ("q",)
    assert drv.answers == {"before": "awal", "q": "biru"}
    assert "Jawaban Anda sebelumnya: Biru" in drv.last_text()
    drv.command("back")
    assert drv.path == ("before",)
    assert drv.answers == {"before": "awal", "q": "biru"}
    drv.tap("Tetap")
    assert drv.path == ("q",)
    drv.tap("✔️ Tetap: Biru")
    assert drv.path == ("after",)
    assert drv.answers == {"before": "awal", "q": "biru"}


def test_back_then_a_different_answer_replaces_it() -> None:
    drv = at_question("choice", choices=COLOURS)
    drv.tap("Biru")
    drv.tap("⬅️ Kembali")
    drv.tap("Merah")
    assert drv.answers["q"] == "merah"


def test_back_from_the_summary_goes_to_the_last_question() -> None:
    drv = at_question("text")
    drv.type("isi")
    drv.type("akhir")
    assert drv.state.phase == "summary"
    drv.tap("Kembali")
    assert drv.path == ("after",)
    assert drv.state.phase == "asking"
    assert drv.answers == {"before": "awal", "q": "isi", "after": "akhir"}
    drv.tap("Tetap")
    assert drv.state.phase == "summary"


@pytest.mark.parametrize("lang", LANGS)
def test_skip(lang: Lang) -> None:
    drv = at_question("text", lang, required=False)
    assert {"id": "(boleh dilewati)", "en": "(optional)"}[lang] in drv.last_text()
    drv.tap_action("skip")
    assert drv.answers["q"] is None
    assert drv.path == ("after",)
    drv.command("skip")  # "after" is required
    assert {"id": "wajib dijawab", "en": "must be answered"}[lang] in drv.last_text()
    assert drv.path == ("after",)
    assert "after" not in drv.answers
    assert not any(b.data.endswith(":skip") for b in drv.buttons())
    drv.type("akhir")
    assert {"id": "Pertanyaan uji: (dilewati)", "en": "Test question: (skipped)"}[lang] in (
        drv.last_text()
    )


def test_skip_on_a_required_question_is_refused() -> None:
    drv = at_question("nik")
    drv.command("skip")
    assert "tidak bisa dilewati" in drv.last_text()
    assert "q" not in drv.answers
    assert drv.path == ("q",)


@pytest.mark.parametrize("how", ["button", "typed"])
def test_cancel_confirmed(how: str) -> None:
    drv = at_question("text")
    drv.command("cancel")
    assert "Batalkan formulir ini?" in drv.last_text()
    if how == "button":
        drv.tap("Ya, batalkan")
    else:
        drv.type("ya")
    assert drv.state.phase == "cancelled"
    assert drv.last_effects == [Closed("cancelled")]
    assert "Formulir dibatalkan" in drv.last_text()
    drv.type("halo")
    assert "Formulir ini sudah selesai" in drv.last_text()
    assert drv.state.phase == "cancelled"


@pytest.mark.parametrize("how", ["button", "typed"])
def test_cancel_declined_continues_at_the_same_question(how: str) -> None:
    drv = at_question("text", "en")
    drv.type("x" * 400)
    drv.tap("Cancel")
    if how == "button":
        drv.tap("No, continue")
    else:
        drv.type("tidak")
    assert "All right, let us continue." in drv.last_text()
    assert "Test question" in drv.last_text()
    assert drv.path == ("q",)
    assert drv.state.phase == "asking"
    assert drv.state.failures == 1
    assert not drv.effects_of(Closed)
    drv.type("isi")
    assert drv.answers["q"] == "isi"


def test_cancel_from_the_summary_declined_shows_the_summary() -> None:
    drv = at_question("text")
    drv.type("isi")
    drv.type("akhir")
    drv.tap("Batal")
    drv.tap("Tidak, lanjutkan")
    assert drv.state.phase == "summary"
    assert "Periksa kembali data Anda" in drv.last_text()


def test_something_else_while_confirming_cancel_asks_again() -> None:
    drv = at_question("text")
    drv.command("cancel")
    drv.type("hmm")
    assert "jawab dengan tombol Ya atau Tidak" in drv.last_text()
    assert "Batalkan formulir ini?" in drv.last_text()
    assert drv.state.phase == "confirm_cancel"


def test_stale_buttons_never_change_answers() -> None:
    drv = at_question("choice", choices=COLOURS)
    old = drv.button("Merah").data
    old_cancel = drv.button("Batal").data
    drv.tap("Biru")
    drv.command("back")
    answers = dict(drv.answers)
    for data in (old, old_cancel, "0:c:0", "garbage", "", f"{drv.state.seq}:c:99"):
        drv.tap_data(data)
        assert "Tombol itu dari pesan lama" in drv.last_text()
        assert "Pertanyaan uji" in drv.last_text(), "the current question is shown again"
        assert dict(drv.answers) == answers
        assert drv.path == ("q",)
        assert drv.state.phase == "asking"


def test_stale_button_from_before_an_error_still_works_after_it() -> None:
    drv = at_question("choice", choices=COLOURS)
    data = drv.button("Hijau").data
    drv.type("nonsense")
    drv.send(Tap(data))
    assert drv.answers["q"] == "hijau"


def test_summary_buttons_are_stale_once_editing() -> None:
    drv = at_question("text")
    drv.type("isi")
    drv.type("akhir")
    submit = drv.button("Kirim").data
    drv.tap("Pertanyaan uji")
    drv.tap_data(submit)
    assert "Tombol itu dari pesan lama" in drv.last_text()
    assert not drv.submissions


# --- help, language, resume ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_three_failures_in_a_row_offer_help_once(lang: Lang) -> None:
    drv = at_question("nik", lang)
    hint = {"id": "Ketik /bantuan", "en": "Type /help"}[lang]
    drv.type("1")
    drv.type("2")
    assert not drv.effects_of(OfferHelp)
    assert hint not in drv.last_text()
    drv.type("3")
    assert drv.last_effects == [OfferHelp(("q",), 3)]
    assert hint in drv.last_text()
    drv.type("4")
    assert hint in drv.last_text()
    assert drv.effects_of(OfferHelp) == [OfferHelp(("q",), 3)]


def test_failures_count_in_a_row_only() -> None:
    drv = at_question("nik")
    drv.type("1")
    drv.type("2")
    drv.type(NIK_MAN_1985)
    drv.command("back")
    drv.type("1")
    drv.type("2")
    assert not drv.effects_of(OfferHelp)


def test_failures_survive_a_resume() -> None:
    drv = at_question("nik")
    drv.type("1")
    drv.type("2")
    drv.resume()
    drv.set_lang("en")
    drv.type("3")
    assert drv.effects_of(OfferHelp) == [OfferHelp(("q",), 3)]


def test_set_lang_shows_the_question_again_in_that_language() -> None:
    drv = at_question("choice", choices=COLOURS)
    old = drv.button("Merah").data
    drv.set_lang("en")
    assert drv.state.lang == "en"
    assert "Test question" in drv.last_text()
    assert "Step 2 of 3" in drv.last_text()
    assert drv.labels()[:3] == ["Red", "Green", "Blue"]
    drv.tap_data(old)
    assert "older message" in drv.last_text()
    drv.tap("Red")
    assert drv.answers["q"] == "merah"
    drv.set_lang("id")
    assert "Pertanyaan akhir" in drv.last_text()


def test_set_lang_keeps_a_multi_selection_in_progress() -> None:
    drv = at_question("multi", choices=COLOURS)
    drv.tap("Biru")
    drv.set_lang("en")
    assert "☑️ Blue" in drv.labels()
    drv.tap("Done")
    assert drv.answers["q"] == ["biru"]


def resumed(drv: Driver) -> Driver:
    """``drv`` with its state saved to JSON and read back, as after a restart."""
    drv.state = reloaded(drv.state)
    return drv


def test_resume_after_a_json_round_trip_continues_identically() -> None:
    def run(restart: bool) -> tuple[list[str], dict[str, Any]]:
        drv = Driver(real_form("ktp_rekam"), choices=REAL_CHOICES)
        script: list[tuple[str, str]] = [
            ("type", "12-03-1985"),
            ("tap", "Perempuan"),
            ("type", NIK_WOMAN_1990),
            ("tap", "Ya, sudah benar"),
            ("type", "siti aminah"),
            ("type", KK_NUMBER),
            ("type", "Magelang"),
            ("tap", "Wates"),
            ("type", "0812-3456-7890"),
            ("type", "siti@contoh.com"),
            ("tap", "Rabu"),
            ("tap", "Saya setuju"),
            ("tap", "Kirim"),
        ]
        texts = []
        for how, arg in script:
            if restart:
                resumed(drv)
                drv.resume()
            drv.tap(arg) if how == "tap" else drv.type(arg)
            texts.append(drv.last_text())
        return texts, drv.submissions[0]

    plain_run, restarted = run(restart=False), run(restart=True)
    assert plain_run[1] == restarted[1]
    assert plain_run[0] == restarted[0]


def test_a_state_saved_before_resume_at_existed_still_loads() -> None:
    drv = at_question("text")
    saved = drv.state.to_json()
    del saved["resume_at"]
    assert State.from_json(saved) == drv.state


def test_a_saved_question_that_the_form_no_longer_has_asks_what_is_open() -> None:
    form = single("text")
    state = State(form_id=form.id, path=("dihapus",), answers={"before": "awal"}, seq=7)
    result = engine.step(form, state, Resume(), today=TODAY)
    assert result.state.path == ("q",)
    assert result.state.phase == "asking"
    drv = Driver(form, state=result.state)
    drv.type("isi")
    drv.type("akhir")
    assert drv.state.phase == "summary"


def test_resume_shows_the_current_question_again() -> None:
    drv = at_question("choice", choices=COLOURS)
    data = drv.button("Merah").data
    resumed(drv).resume()
    assert "Pertanyaan uji" in drv.last_text()
    drv.tap_data(data)
    assert "Tombol itu dari pesan lama" in drv.last_text()
    drv.tap("Merah")
    assert drv.answers["q"] == "merah"


def test_json_round_trip_of_every_kind_of_answer() -> None:
    drv = Driver(real_form("kk_ubah"), choices=REAL_CHOICES)
    drv.type(NIK_MAN_1985)
    drv.type("budi santoso")
    drv.type(KK_NUMBER)
    drv.tap("Tambah anggota")
    drv.type("ayu lestari")
    drv.tap("Perempuan")
    saved = json.loads(json.dumps(drv.state.to_json()))
    assert State.from_json(saved) == drv.state
    assert State.from_json(saved).to_json() == saved


# --- summary and edits --------------------------------------------------------------------------


def ktp_ganti_until_summary(drv: Driver, reason: str) -> None:
    """Answer ktp_ganti for ``reason`` (the label) up to the summary."""
    drv.tap(reason)
    if reason == "Hilang":
        drv.upload("image/jpeg", 300_000, "laporan.jpg", ref="police-1")
    elif reason == "Rusak":
        drv.tap("Ya")
    else:
        drv.tap("Nama")
        drv.tap("Alamat")
        drv.tap("Selesai memilih")
    drv.type(NIK_MAN_1985)
    drv.type("Budi Santoso")
    drv.type(KK_NUMBER)
    drv.type("0812 3456 7890")
    drv.type("budi@contoh.com")
    drv.tap("Saya setuju")
    assert drv.state.phase == "summary"


COMMON_GANTI = {
    "nik": NIK_MAN_1985,
    "full_name": "BUDI SANTOSO",
    "kk_number": KK_NUMBER,
    "phone": "+6281234567890",
    "email": "budi@contoh.com",
    "consent": True,
}


def test_summary_lists_the_answers() -> None:
    drv = Driver(real_form("ktp_ganti"))
    ktp_ganti_until_summary(drv, "Rusak")
    text = drv.last_text()
    for line in (
        "1. Alasan penggantian: Rusak",
        "2. Anda akan membawa KTP-el yang rusak saat mengambil KTP-el baru?: Ya",
        f"3. NIK Anda: {NIK_MAN_1985}",
        "4. Nama lengkap: BUDI SANTOSO",
        "6. Nomor HP: +6281234567890",
        "7. Alamat email pribadi: budi@contoh.com",
    ):
        assert line in text
    assert "Persetujuan" not in text, "the consent is not listed (summary: false)"
    assert drv.has_button("Kirim")


def test_summary_by_typed_number_and_typed_send() -> None:
    drv = Driver(real_form("ktp_ganti"))
    ktp_ganti_until_summary(drv, "Rusak")
    drv.type("4")
    assert drv.path == ("full_name",)
    drv.type("budi santosa")
    assert drv.state.phase == "summary"
    assert "4. Nama lengkap: BUDI SANTOSA" in drv.last_text()
    drv.type("99")
    assert drv.state.phase == "summary"
    drv.type("kirim")
    assert drv.submissions[0]["full_name"] == "BUDI SANTOSA"


def test_editing_from_the_summary_returns_to_the_summary() -> None:
    drv = Driver(real_form("ktp_ganti"), lang="en")
    drv.tap("Damaged")
    drv.tap("No")
    drv.type(NIK_MAN_1985)
    drv.type("Budi Santoso")
    drv.type(KK_NUMBER)
    drv.type("0812 3456 7890")
    drv.type("budi@contoh.com")
    drv.tap("I agree")
    drv.tap("Your NIK")
    assert drv.path == ("nik",)
    assert "Your earlier answer: " + NIK_MAN_1985 in drv.last_text()
    drv.type(NIK_WOMAN_1990)
    assert drv.state.phase == "summary"
    assert f"NIK: {NIK_WOMAN_1990}" in drv.last_text()
    drv.tap("Full name")
    drv.tap("Keep")
    assert drv.state.phase == "summary"


def test_back_while_editing_then_keep_returns_to_the_question_being_edited() -> None:
    drv = Driver(real_form("ktp_ganti"))
    ktp_ganti_until_summary(drv, "Rusak")
    drv.tap("Nomor HP")
    editing = drv.state
    drv.command("back")
    drv.command("back")
    assert drv.path == ("full_name",)
    drv.tap("Tetap")
    assert drv.path == ("kk_number",)
    drv.tap("Tetap")
    assert drv.path == ("phone",), "back to the question being edited, not the summary"
    assert drv.state.with_(seq=0) == editing.with_(seq=0)
    drv.type("0813 1111 2222")
    assert drv.state.phase == "summary"
    assert "Nomor HP: +6281311112222" in drv.last_text()
    # Going back while editing and answering differently walks forward the same way.
    drv.tap("Nomor HP")
    drv.command("back")
    drv.type("3371-0120-0115-0004")
    assert drv.path == ("phone",)
    drv.tap("Tetap")
    assert drv.state.phase == "summary"
    assert resumed(drv).state.resume_at is None


def test_back_while_editing_then_removing_a_member_then_back_and_keep() -> None:
    drv = Driver(group_form(min_items=1, max_items=3))
    drv.tap("Ubah data")
    for i, name in enumerate(("siti aminah", "budi santoso", "ayu lestari")):
        add_member(drv, name, NIK_MAN_1985)
        if i < 2:
            drv.tap("Tambah lagi")
    assert drv.path == ("note",), "three is the most"
    drv.type("catatan")
    drv.tap("Anggota ke-2 · Nama")
    drv.command("back")
    assert drv.path == ("members", 1, MORE)
    drv.tap("Hapus Anggota ke-3")
    assert drv.path == ("members", 2, MORE)
    removed = drv.state
    drv.command("back")
    drv.tap("Tetap")
    assert drv.path == ("members", 2, MORE)
    assert drv.state.with_(seq=0) == removed.with_(seq=0)
    drv.tap("Tidak, lanjut")
    assert drv.state.phase == "summary"
    assert "Anggota: 2" in drv.last_text()


def test_editing_a_when_answer_asks_the_newly_relevant_question_then_the_summary() -> None:
    drv = Driver(real_form("ktp_ganti"))
    ktp_ganti_until_summary(drv, "Rusak")
    drv.tap("Alasan penggantian")
    assert drv.path == ("reason",)
    drv.tap("Hilang")
    assert drv.path == ("police_report",)
    drv.upload("application/pdf", 50_000, "laporan.pdf", ref="police-2")
    assert drv.state.phase == "summary"
    text = drv.last_text()
    assert "Alasan penggantian: Hilang" in text
    assert "kepolisian: 📎 laporan.pdf" in text
    assert "membawa KTP-el yang rusak" not in text
    drv.tap("Kirim")
    assert drv.submissions == [
        {
            "reason": "hilang",
            "police_report": {
                "ref": "police-2",
                "mime": "application/pdf",
                "size": 50_000,
                "name": "laporan.pdf",
            },
            **COMMON_GANTI,
        }
    ]
    assert drv.effects[-1] == Closed("submitted")
    assert "T-1" in drv.last_text()


def test_editing_back_to_the_same_when_answer_asks_nothing_new() -> None:
    drv = Driver(real_form("ktp_ganti"))
    ktp_ganti_until_summary(drv, "Hilang")
    drv.tap("Alasan penggantian")
    drv.tap("Rusak")
    assert drv.path == ("bring_damaged",)
    drv.tap("Tidak")
    drv.tap("Alasan penggantian")
    drv.tap("Hilang")
    # The police report given earlier is still there: nothing new to ask.
    assert drv.state.phase == "summary"
    drv.tap("Kirim")
    assert drv.submissions[0]["police_report"]["ref"] == "police-1"
    assert "bring_damaged" not in drv.submissions[0]


# --- NIK warning --------------------------------------------------------------------------------


def rekam_until_nik(drv: Driver, birth: str, sex: str) -> None:
    drv.type(birth)
    if drv.path == ("marital_status",):
        drv.tap("Kawin")
    drv.tap(sex)
    assert drv.path == ("nik",)


@pytest.mark.parametrize("lang", LANGS)
def test_nik_disagreeing_with_birth_date_and_sex_asks_to_confirm(lang: Lang) -> None:
    drv = Driver(real_form("ktp_rekam"), lang=lang, choices=REAL_CHOICES)
    rekam_until_nik(drv, "12-03-1985", {"id": "Laki-laki", "en": "Male"}[lang])
    drv.type(NIK_WOMAN_2010)
    text = drv.last_text()
    if lang == "id":
        assert (
            "NIK Anda menunjukkan tanggal lahir 17-08-2010, sedangkan Anda menulis 12-03-1985"
            in text
        )
        assert "NIK menunjukkan perempuan, sedangkan Anda memilih laki-laki" in text
    else:
        assert "Your NIK shows the birth date 17-08-2010, but you wrote 12-03-1985" in text
        assert "The NIK shows female, but you chose male" in text
    assert drv.state.phase == "confirm_warning"
    assert drv.answers["nik"] == NIK_WOMAN_2010
    drv.tap({"id": "Ya, sudah benar", "en": "Yes, it is right"}[lang])
    assert drv.path == ("full_name",)
    assert drv.state.phase == "asking"
    # Not asked again for the same data: back to the NIK and keep it.
    drv.command("back")
    drv.tap_action("keep")
    assert drv.path == ("full_name",)
    drv.command("back")
    drv.command("back")
    assert drv.path == ("sex",)
    drv.tap_action("keep")
    drv.tap_action("keep")
    assert drv.path == ("full_name",)


def test_nik_warning_change_my_answer_asks_again() -> None:
    drv = Driver(real_form("ktp_rekam"), choices=REAL_CHOICES)
    rekam_until_nik(drv, "17-08-1990", "Laki-laki")
    drv.type(NIK_WOMAN_1990)
    assert "NIK menunjukkan perempuan" in drv.last_text()
    assert "tanggal lahir" not in drv.last_text().split("Mohon periksa:")[1].split("NIK tidak")[0]
    drv.tap("Ubah jawaban")
    assert drv.path == ("nik",)
    assert drv.state.phase == "asking"
    assert "NIK Anda (16 angka)" in drv.last_text()
    drv.command("back")
    drv.tap("Perempuan")
    drv.tap_action("keep")
    assert drv.path == ("full_name",), "sex now agrees with the NIK: no warning"


def test_nik_warning_typed_answers_and_data_changed_after_confirming() -> None:
    drv = Driver(real_form("ktp_rekam"), choices=REAL_CHOICES)
    rekam_until_nik(drv, "12-03-1985", "Laki-laki")
    drv.type(NIK_WOMAN_1990)
    drv.type("hmm")
    assert drv.state.phase == "confirm_warning"
    assert "Mohon periksa" in drv.last_text()
    drv.type("ya")
    assert drv.path == ("full_name",)
    # Another birth date: a new disagreement, asked again.
    drv.command("back")
    drv.command("back")
    drv.command("back")
    assert drv.path == ("birth_date",)
    drv.type("13-03-1985")
    assert drv.state.phase == "confirm_warning"
    assert "Anda menulis 13-03-1985" in drv.last_text()
    drv.type("tidak")
    assert drv.path == ("birth_date",)
    assert drv.state.phase == "asking"
    drv.type("12-03-1985")
    assert drv.path == ("sex",), "the confirmed data again: no warning"


def test_nik_agreeing_with_the_declared_data_gives_no_warning() -> None:
    drv = Driver(real_form("ktp_rekam"), choices=REAL_CHOICES)
    rekam_until_nik(drv, "12-03-1985", "Laki-laki")
    drv.type(NIK_MAN_1985)
    assert drv.path == ("full_name",)


def test_a_changed_birth_date_from_the_summary_is_checked_against_the_nik() -> None:
    drv = Driver(real_form("ktp_rekam"), choices=REAL_CHOICES)
    complete_ktp_rekam(drv)
    drv.tap("Tanggal lahir Anda")
    drv.type("13-03-1985")
    assert drv.state.phase == "confirm_warning"
    drv.tap("Ya, sudah benar")
    assert drv.state.phase == "summary"
    drv.tap("Kirim")
    assert drv.submissions[0]["birth_date"] == "1985-03-13"


# --- stop ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_stop_shows_when_they_become_eligible_and_back_fixes_it(lang: Lang) -> None:
    drv = Driver(real_form("ktp_rekam"), lang=lang, choices=REAL_CHOICES)
    drv.type("17-08-2010")
    assert drv.path == ("marital_status",)
    drv.tap({"id": "Belum kawin", "en": "Never married"}[lang])
    assert drv.state.phase == "stopped"
    assert drv.path == ("not_eligible",)
    text = drv.last_text()
    assert {"id": "mulai 17 Agustus 2027", "en": "from 17 August 2027"}[lang] in text
    assert {"id": "tekan Kembali", "en": "tap Back"}[lang] in text
    assert drv.labels() == [{"id": "⬅️ Kembali", "en": "⬅️ Back"}[lang]]
    assert not drv.effects_of(Closed)
    # Nothing typed gets past it.
    answers = dict(drv.answers)
    drv.type("17-08-2000")
    assert drv.state.phase == "stopped"
    assert dict(drv.answers) == answers
    assert {"id": "17 Agustus 2027", "en": "17 August 2027"}[lang] in drv.last_text()
    drv.command("skip")
    assert drv.state.phase == "stopped"
    # Back, back: the birth date, typed wrongly.
    drv.tap_action("back")
    assert drv.path == ("marital_status",)
    drv.command("back")
    assert drv.path == ("birth_date",)
    drv.type("17-08-2000")
    assert drv.path == ("sex",)
    assert drv.state.phase == "asking"


def test_stop_is_passed_by_a_married_minor() -> None:
    drv = Driver(real_form("ktp_rekam"), choices=REAL_CHOICES)
    drv.type("17-08-2010")
    drv.tap("Cerai hidup")
    assert drv.path == ("sex",)


def test_stop_on_the_29th_of_february() -> None:
    drv = Driver(real_form("ktp_rekam"), choices=REAL_CHOICES)
    drv.type("29-02-2012")
    drv.tap("Belum kawin")
    assert "mulai 28 Februari 2029" in drv.last_text()


def test_stop_resumed_and_cancelled() -> None:
    drv = Driver(real_form("ktp_rekam"), choices=REAL_CHOICES)
    drv.type("17-08-2010")
    drv.tap("Belum kawin")
    resumed(drv).resume()
    assert "17 Agustus 2027" in drv.last_text()
    drv.command("cancel")
    drv.tap("Tidak, lanjutkan")
    assert drv.state.phase == "stopped"
    drv.command("cancel")
    drv.tap("Ya, batalkan")
    assert drv.state.phase == "cancelled"


# --- groups -------------------------------------------------------------------------------------


def test_group_two_members_with_conditional_sub_questions() -> None:
    drv = Driver(group_form())
    drv.tap("Tambah anggota")
    assert drv.path == ("members", 0, "name")
    assert "Anggota ke-1" in drv.last_text()
    drv.type("siti aminah")
    assert drv.path == ("members", 0, "born"), "born applies to an added member"
    drv.type("01-05-2015")
    drv.tap("Ya")
    assert drv.path == ("members", 0, "job"), "job applies when works is yes"
    drv.type("Pelajar")
    assert drv.path == ("members", 1, MORE)
    assert "Anggota ke-1 tersimpan" in drv.last_text()
    assert "Ada anggota lain?" in drv.last_text()
    assert not drv.has_button("Hapus"), "min_items 1: the only member cannot be removed"
    drv.tap("Tambah lagi")
    assert drv.path == ("members", 1, "name")
    assert "Anggota ke-2" in drv.last_text()
    drv.type("budi santoso")
    drv.type("02-06-2016")
    drv.tap("Tidak")
    assert drv.path == ("members", 2, MORE), "no job question when works is no"
    drv.tap("Tidak, lanjut")
    assert drv.path == ("note",)
    drv.type("catatan")
    assert drv.state.phase == "summary"
    text = drv.last_text()
    assert "Anggota ke-1 · Nama anggota: SITI AMINAH" in text
    assert "Anggota ke-2 · Sudah bekerja?: Tidak" in text
    assert "Anggota: 2" in text
    drv.tap("Kirim")
    assert drv.submissions == [
        {
            "change": "tambah",
            "members": [
                {"name": "SITI AMINAH", "born": "2015-05-01", "works": True, "job": "Pelajar"},
                {"name": "BUDI SANTOSO", "born": "2016-06-02", "works": False},
            ],
            "note": "catatan",
        }
    ]


def test_group_sub_questions_follow_the_top_level_answer() -> None:
    drv = Driver(group_form())
    drv.tap("Ubah data")
    drv.type("siti aminah")
    assert drv.path == ("members", 0, "nik")
    drv.type(NIK_WOMAN_1990)
    assert drv.path == ("members", 0, "works")


def test_group_back_across_item_boundaries_keeps_everything() -> None:
    drv = Driver(group_form())
    drv.tap("Ubah data")
    add_member(drv, "siti aminah", NIK_WOMAN_1990)
    drv.tap("Tambah lagi")
    drv.type("budi santoso")
    assert drv.path == ("members", 1, "nik")
    answers = plain(drv.answers)
    expected_path = [
        ("members", 1, "name"),
        ("members", 1, MORE),
        ("members", 0, "works"),
        ("members", 0, "nik"),
        ("members", 0, "name"),
        ("change",),
    ]
    for path in expected_path:
        drv.command("back")
        assert drv.path == path
        assert plain(drv.answers) == answers
    for path in reversed([("members", 1, "nik"), *expected_path[:-1]]):
        drv.tap_action("keep")
        assert drv.path == path
        assert plain(drv.answers) == answers


def test_group_remove_last_and_min_items() -> None:
    drv = Driver(group_form(min_items=1, max_items=3))
    drv.tap("Ubah data")
    for name, nik in (("siti aminah", NIK_WOMAN_1990), ("budi santoso", NIK_MAN_1985)):
        add_member(drv, name, nik)
        if drv.path == ("members", 1, MORE):
            drv.tap("Tambah lagi")
    assert drv.path == ("members", 2, MORE)
    drv.tap("Hapus Anggota ke-2")
    assert [m["name"] for m in drv.answers["members"]] == ["SITI AMINAH"]
    assert drv.path == ("members", 1, MORE)
    assert not drv.has_button("Hapus")
    drv.tap("Tidak, lanjut")
    drv.type("catatan")
    drv.tap("Kirim")
    assert len(drv.submissions[0]["members"]) == 1


def test_group_max_items_stops_asking_for_more() -> None:
    drv = Driver(group_form(min_items=1, max_items=2))
    drv.tap("Ubah data")
    for name in ("siti aminah", "budi santoso"):
        add_member(drv, name, NIK_MAN_1985)
        if drv.path == ("members", 1, MORE):
            drv.type("ya")
    assert drv.path == ("note",)


def test_group_min_items_two_asks_two_before_add_another() -> None:
    drv = Driver(group_form(min_items=2, max_items=3))
    drv.tap("Ubah data")
    add_member(drv, "siti aminah", NIK_WOMAN_1990)
    assert drv.path == ("members", 1, "name"), "a second member is required"
    add_member(drv, "budi santoso", NIK_MAN_1985)
    assert drv.path == ("members", 2, MORE)
    assert not drv.has_button("Hapus"), "two members are the minimum"
    drv.tap_data(f"{drv.state.seq}:g:rm")
    assert "Tombol itu dari pesan lama" in drv.last_text()
    assert len(drv.answers["members"]) == 2


def test_group_min_items_zero_may_have_no_items() -> None:
    drv = Driver(group_form(min_items=0, max_items=2))
    drv.tap("Ubah data")
    assert drv.path == ("members", 0, MORE)
    assert "Ada anggota lain?" in drv.last_text()
    drv.type("tidak")
    assert drv.path == ("note",)
    drv.type("catatan")
    drv.tap("Kirim")
    assert drv.submissions == [{"change": "ubah", "note": "catatan"}]


def test_group_bad_answers_in_indonesian() -> None:
    drv = Driver(group_form())
    drv.tap("Ubah data")
    drv.type("siti 2")
    assert "Nama tidak boleh berisi angka" in drv.last_text()
    assert drv.path == ("members", 0, "name")
    assert "members" not in drv.answers
    add_member(drv, "siti aminah", NIK_WOMAN_1990)
    drv.type("mungkin")
    assert "jawab dengan tombol Ya atau Tidak" in drv.last_text()
    assert "Ada anggota lain?" in drv.last_text()
    assert drv.path == ("members", 1, MORE)
    assert len(drv.answers["members"]) == 1


def test_group_add_another_typed_and_bad_input() -> None:
    drv = Driver(group_form(), lang="en")
    drv.tap("Change data")
    drv.type("siti aminah")
    drv.type(NIK_WOMAN_1990)
    drv.tap("No")
    drv.type("perhaps")
    assert "Please answer with the Yes or No button" in drv.last_text()
    assert "Another member?" in drv.last_text()
    drv.upload("image/jpeg", 10, "x.jpg")
    assert drv.path == ("members", 1, MORE)
    drv.command("skip")
    assert drv.path == ("note",), "skipping 'another?' means no"


def test_group_saying_no_after_going_back_drops_the_later_items() -> None:
    drv = Driver(group_form())
    drv.tap("Ubah data")
    for name in ("siti aminah", "budi santoso"):
        add_member(drv, name, NIK_MAN_1985)
        if drv.path == ("members", 1, MORE):
            drv.tap("Tambah lagi")
    drv.tap("Tidak, lanjut")
    drv.type("catatan")
    drv.command("back")
    drv.command("back")
    assert drv.path == ("members", 2, MORE)
    drv.command("back")
    drv.command("back")
    drv.command("back")
    drv.command("back")
    assert drv.path == ("members", 1, MORE)
    drv.tap("Tidak, lanjut")
    assert len(drv.answers["members"]) == 1
    assert drv.path == ("note",)


def test_group_edit_from_the_summary_adds_a_member() -> None:
    drv = Driver(group_form())
    drv.tap("Ubah data")
    add_member(drv, "siti aminah", NIK_WOMAN_1990)
    drv.tap("Tidak, lanjut")
    drv.type("catatan")
    drv.tap("✏️ 5. Anggota")
    assert drv.path == ("members", 1, MORE)
    drv.tap("Tambah lagi")
    drv.type("budi santoso")
    drv.type(NIK_MAN_1985)
    drv.tap("Ya")
    drv.type("Petani")
    assert drv.state.phase == "summary"
    assert "Anggota ke-2 · Pekerjaan: Petani" in drv.last_text()


def test_group_changing_the_top_level_answer_asks_the_new_sub_questions() -> None:
    drv = Driver(group_form())
    drv.tap("Ubah data")
    add_member(drv, "siti aminah", NIK_WOMAN_1990)
    drv.tap("Tidak, lanjut")
    drv.type("catatan")
    drv.tap("Jenis perubahan")
    drv.tap("Tambah anggota")
    assert drv.path == ("members", 0, "born")
    drv.type("01-05-2015")
    assert drv.state.phase == "summary"
    drv.tap("Kirim")
    assert drv.submissions[0]["members"] == [
        {"name": "SITI AMINAH", "born": "2015-05-01", "works": False}
    ]


# --- whole forms --------------------------------------------------------------------------------


def complete_ktp_rekam(drv: Driver) -> None:
    drv.type("12 Maret 1985")
    drv.tap("Laki-laki")
    drv.type(NIK_MAN_1985)
    drv.type("budi santoso")
    drv.type(KK_NUMBER)
    drv.type("Magelang")
    drv.tap("Tidar Utara")
    drv.type("0812-3456-7890")
    drv.type("budi@contoh.com")
    drv.tap("Senin")
    drv.tap("Saya setuju")
    assert drv.state.phase == "summary"


REKAM_ANSWERS = {
    "birth_date": "1985-03-12",
    "sex": "L",
    "nik": NIK_MAN_1985,
    "full_name": "BUDI SANTOSO",
    "kk_number": KK_NUMBER,
    "birth_place": "Magelang",
    "kelurahan": "tidar_utara",
    "phone": "+6281234567890",
    "email": "budi@contoh.com",
    "day": "2026-12-07",
    "consent": True,
}


def test_ktp_rekam_end_to_end() -> None:
    drv = Driver(real_form("ktp_rekam"), choices=REAL_CHOICES)
    assert "Pendaftaran perekaman KTP-el" in strip_html(drv.replies[0].text)
    complete_ktp_rekam(drv)
    assert "Tanggal lahir Anda: 12 Maret 1985" in drv.last_text()
    assert "Kelurahan tempat tinggal Anda: Tidar Utara" in drv.last_text()
    drv.tap("Kirim")
    assert drv.submissions == [REKAM_ANSWERS]
    [submit] = drv.effects_of(Submit)
    assert (submit.form_id, submit.answers, submit.service) == (
        "ktp_rekam",
        REKAM_ANSWERS,
        "ktp_recording",
    )
    assert drv.state.phase == "submitted"
    assert drv.state.reference == "T-1"
    assert "Nomor pendaftaran: T-1" in drv.last_text()
    assert drv.last_effects[-1] == Closed("submitted")
    assert [e.source for e in drv.effects_of(LoadChoices)] == ["office.kelurahan", "booking.days"]


def test_ktp_rekam_married_minor_end_to_end() -> None:
    drv = Driver(real_form("ktp_rekam"), choices=REAL_CHOICES, lang="en")
    drv.type("17-08-2010")
    drv.tap("Married")
    drv.tap("Female")
    drv.type(NIK_WOMAN_2010)
    drv.type("ayu lestari")
    drv.type(KK_NUMBER)
    drv.type("Magelang")
    drv.type("4")
    drv.contact("+62 813 1111 2222")
    drv.type("ayu@contoh.com")
    drv.type("3")
    drv.type("yes")
    drv.type("send")
    assert drv.submissions == [
        {
            "birth_date": "2010-08-17",
            "marital_status": "kawin",
            "sex": "P",
            "nik": NIK_WOMAN_2010,
            "full_name": "AYU LESTARI",
            "kk_number": KK_NUMBER,
            "birth_place": "Magelang",
            "kelurahan": "kemirirejo",
            "phone": "+6281311112222",
            "email": "ayu@contoh.com",
            "day": "2026-12-09",
            "consent": True,
        }
    ]
    assert "Reference number: T-1" in drv.last_text()


def test_ktp_rekam_day_filled_up_meanwhile() -> None:
    days = list(DAYS)

    def submit(answers: dict[str, Any]) -> Submitted | SubmitFailed:
        if answers["day"] == "2026-12-07":
            days[0] = DynamicChoice(days[0].value, days[0].label, enabled=False)
            return SubmitFailed(
                Text("Maaf, hari itu baru saja penuh.", "Sorry, that day just filled up."),
                ("day",),
            )
        return Submitted("KTP-20261203-0001", Text("Datang pukul 08.00.", "Come at 08:00."))

    drv = Driver(
        real_form("ktp_rekam"),
        choices={"office.kelurahan": KELURAHAN, "booking.days": lambda _answers: days},
        submit=submit,
    )
    complete_ktp_rekam(drv)
    drv.tap("Kirim")
    assert drv.path == ("day",)
    assert drv.state.phase == "asking"
    assert "Maaf, hari itu baru saja penuh." in drv.said()
    assert "Pilih hari datang" in drv.last_text()
    loads = [e for e in drv.last_effects if isinstance(e, LoadChoices)]
    assert [e.path for e in loads] == [("day",)], "the days are loaded again"
    assert "Senin, 7 Desember 2026 (12) — penuh" in drv.labels()
    assert not drv.effects_of(Closed)
    # The earlier day is full now: keeping it is refused.
    drv.tap_action("x:0")
    assert "sudah penuh" in drv.last_text()
    drv.tap("Rabu")
    assert drv.state.phase == "summary", "consent was given already"
    drv.tap("Kirim")
    assert len(drv.submissions) == 2
    assert drv.submissions[1] == {**REKAM_ANSWERS, "day": "2026-12-09"}
    assert drv.state.phase == "submitted"
    assert "KTP-20261203-0001" in drv.last_text()
    assert "Datang pukul 08.00." in drv.last_text()
    assert drv.effects_of(Closed) == [Closed("submitted")]


def test_keep_is_not_offered_for_a_day_that_filled_up() -> None:
    days = list(DAYS)

    def submit(answers: dict[str, Any]) -> Submitted | SubmitFailed:
        days[0] = DynamicChoice(days[0].value, days[0].label, enabled=False)
        return SubmitFailed(Text("Penuh.", "Full."), ("day",))

    drv = Driver(
        real_form("ktp_rekam"),
        choices={"office.kelurahan": KELURAHAN, "booking.days": lambda _answers: days},
        submit=submit,
    )
    complete_ktp_rekam(drv)
    drv.tap("Kirim")
    assert not drv.has_button("Tetap")
    drv.tap_data(f"{drv.state.seq}:keep")
    assert drv.path == ("day",)
    assert drv.state.phase == "asking"
    assert "sudah penuh" in drv.last_text()


def test_submit_failed_without_a_path_shows_the_summary_with_the_reason() -> None:
    drv = Driver(
        real_form("ktp_ganti"),
        submit=lambda _a: SubmitFailed(Text("Sistem sibuk.", "System busy.")),
    )
    ktp_ganti_until_summary(drv, "Rusak")
    drv.tap("Kirim")
    assert drv.state.phase == "summary"
    assert "Sistem sibuk." in drv.last_text()
    assert "Periksa kembali" in drv.last_text()


def test_waiting_for_the_submission_outcome() -> None:
    form = real_form("ktp_ganti")
    drv = Driver(form)
    ktp_ganti_until_summary(drv, "Rusak")
    submit_data = drv.button("Kirim").data
    sent = engine.step(form, drv.state, Tap(submit_data), today=TODAY)
    assert sent.state.phase == "submitting"
    assert isinstance(sent.effects[0], Submit)
    # A second tap, typing, or a command while waiting: nothing is sent twice.
    for event in (Tap(submit_data), TextIn("halo"), Command("back"), Command("cancel")):
        waiting = engine.step(form, sent.state, event, today=TODAY)
        assert waiting.state.phase == "submitting"
        assert waiting.effects == ()
        assert "sedang dikirim" in strip_html(waiting.replies[-1].text)
    done = engine.step(form, sent.state, Submitted("R-9"), today=TODAY)
    assert done.state.phase == "submitted"
    assert done.effects == (Closed("submitted"),)
    late = engine.step(form, done.state, Submitted("R-10"), today=TODAY)
    assert late.state.reference == "R-9", "a second outcome changes nothing"
    assert late.effects == ()


def kk_ubah_start(drv: Driver, change: str) -> None:
    drv.type(NIK_MAN_1985)
    drv.type("Budi Santoso")
    drv.type(KK_NUMBER)
    drv.tap(change)


def kk_ubah_finish(drv: Driver) -> None:
    drv.upload("image/jpeg", 400_000, "akta.jpg", ref="proof-1")
    drv.type("budi@contoh.com")
    drv.command("skip")
    drv.tap("Saya setuju")
    assert drv.state.phase == "summary"
    drv.tap("Kirim")


KK_COMMON = {
    "applicant_nik": NIK_MAN_1985,
    "applicant_name": "BUDI SANTOSO",
    "kk_number": KK_NUMBER,
}
KK_TAIL = {
    "proof": {"ref": "proof-1", "mime": "image/jpeg", "size": 400_000, "name": "akta.jpg"},
    "email": "budi@contoh.com",
    "phone": None,
    "consent": True,
}


def test_kk_ubah_newborn_end_to_end() -> None:
    drv = Driver(real_form("kk_ubah"))
    kk_ubah_start(drv, "Tambah anggota")
    assert drv.path == ("members", 0, "name")
    assert "Untuk bayi baru lahir" in drv.last_text()
    drv.type("Putri Ayu Lestari")
    drv.tap("Perempuan")
    drv.type("Magelang")
    drv.type("28-11-2026")
    drv.tap("Anak")
    drv.type("siti aminah")
    drv.command("skip")  # father's name is optional
    assert drv.path == ("members", 1, MORE)
    drv.tap("Tidak, lanjut")
    kk_ubah_finish(drv)
    assert drv.submissions == [
        {
            **KK_COMMON,
            "change_type": "tambah_anggota",
            "members": [
                {
                    "name": "PUTRI AYU LESTARI",
                    "sex": "P",
                    "birth_place": "Magelang",
                    "birth_date": "2026-11-28",
                    "relationship": "anak",
                    "mother_name": "SITI AMINAH",
                    "father_name": None,
                }
            ],
            **KK_TAIL,
        }
    ]


def test_kk_ubah_education_change_for_two_members_end_to_end() -> None:
    drv = Driver(real_form("kk_ubah"), lang="en")
    kk_ubah_start(drv, "Education")
    drv.type("siti aminah")
    assert drv.path == ("members", 0, "nik")
    drv.type(NIK_WOMAN_1990)
    assert drv.path == ("members", 0, "before")
    drv.type("SLTA")
    drv.tap("Bachelor")
    assert drv.path == ("members", 1, MORE)
    drv.tap("Add another")
    drv.type("rizki pratama")
    drv.type(NIK_CHILD_2015)
    drv.type("SD")
    drv.type("junior high")
    drv.tap("No, continue")
    drv.upload("image/jpeg", 400_000, "akta.jpg", ref="proof-1")
    drv.type("budi@contoh.com")
    drv.command("skip")
    drv.tap("I agree")
    assert "Member 2 · New highest education: Junior high" in drv.last_text()
    drv.tap("Send")
    assert drv.submissions == [
        {
            **KK_COMMON,
            "change_type": "pendidikan",
            "members": [
                {
                    "name": "SITI AMINAH",
                    "nik": NIK_WOMAN_1990,
                    "before": "SLTA",
                    "education_after": "s1",
                },
                {
                    "name": "RIZKI PRATAMA",
                    "nik": NIK_CHILD_2015,
                    "before": "SD",
                    "education_after": "sltp",
                },
            ],
            **KK_TAIL,
        }
    ]


def test_kk_ubah_marital_change_asks_the_marriage_date() -> None:
    drv = Driver(real_form("kk_ubah"))
    kk_ubah_start(drv, "Status perkawinan")
    drv.type("siti aminah")
    drv.type(NIK_WOMAN_1990)
    drv.tap("Kawin tercatat")
    assert drv.path == ("members", 0, "marriage_date")
    drv.type("01-02-2020")
    drv.tap("Tidak, lanjut")
    kk_ubah_finish(drv)
    assert drv.submissions[0]["members"] == [
        {
            "name": "SITI AMINAH",
            "nik": NIK_WOMAN_1990,
            "marital_after": "kawin_tercatat",
            "marriage_date": "2020-02-01",
        }
    ]


def test_kk_ubah_birth_date_correction_warns_about_the_nik() -> None:
    drv = Driver(real_form("kk_ubah"))
    kk_ubah_start(drv, "Perbaikan tanggal lahir")
    drv.type("siti aminah")
    drv.type(NIK_WOMAN_1990)
    drv.type("18-08-1990")
    assert drv.state.phase == "confirm_warning"
    assert "NIK Anda menunjukkan tanggal lahir 17-08-1990" in drv.last_text()
    drv.tap("Ya, sudah benar")
    assert drv.path == ("members", 1, MORE)


def test_kk_ubah_other_change_asks_to_describe_it() -> None:
    drv = Driver(real_form("kk_ubah"))
    kk_ubah_start(drv, "Lainnya")
    assert drv.path == ("other_change",)
    drv.type("Golongan darah")
    drv.type("siti aminah")
    drv.type(NIK_WOMAN_1990)
    drv.type("A")
    drv.type("B")
    drv.tap("Tidak, lanjut")
    kk_ubah_finish(drv)
    assert drv.submissions[0]["other_change"] == "Golongan darah"
    assert drv.submissions[0]["members"] == [
        {"name": "SITI AMINAH", "nik": NIK_WOMAN_1990, "before": "A", "after": "B"}
    ]


@pytest.mark.parametrize(
    ("reason", "specific"),
    [
        (
            "Hilang",
            {
                "reason": "hilang",
                "police_report": {
                    "ref": "police-1",
                    "mime": "image/jpeg",
                    "size": 300_000,
                    "name": "laporan.jpg",
                },
            },
        ),
        ("Rusak", {"reason": "rusak", "bring_damaged": True}),
        ("Perubahan data", {"reason": "perubahan_data", "changed_data": ["nama", "alamat"]}),
    ],
)
def test_ktp_ganti_end_to_end(reason: str, specific: dict[str, Any]) -> None:
    drv = Driver(real_form("ktp_ganti"))
    ktp_ganti_until_summary(drv, reason)
    drv.tap("Kirim")
    assert drv.submissions == [{**specific, **COMMON_GANTI}]
    assert drv.state.phase == "submitted"
    assert drv.effects_of(Closed) == [Closed("submitted")]


def test_positions_and_submission_answers_are_public() -> None:
    form = real_form("ktp_ganti")
    answers = {"reason": "rusak", "police_report": {"ref": "x"}, "bring_damaged": False}
    layout = engine.positions(form, answers, TODAY)
    assert layout[:3] == [("reason",), ("bring_damaged",), ("nik",)]
    assert engine.submission_answers(form, answers, TODAY) == {
        "reason": "rusak",
        "bring_damaged": False,
    }


def test_start_on_a_state_in_progress_resumes() -> None:
    drv = at_question("text")
    result = engine.step(drv.form, drv.state, Start(), today=TODAY)
    assert result.state.path == ("q",)
    assert "Formulir uji" not in strip_html(result.replies[0].text)
    assert "Pertanyaan uji" in strip_html(result.replies[-1].text)


def test_a_form_with_only_a_when_false_question_goes_to_the_summary() -> None:
    form = build(
        [
            {"id": "a", "type": "yes_no", "label": t("A")},
            {"id": "b", "type": "text", "label": t("B"), "when": {"question": "a", "equals": True}},
        ]
    )
    drv = Driver(form)
    drv.tap("Tidak")
    assert drv.state.phase == "summary"
    drv.tap("Kirim")
    assert drv.submissions == [{"a": False}]
