"""Tests for flows.loader: the real forms load, and a broken form file is refused with a message
that names the file, the question and the problem."""

from __future__ import annotations

import re
from typing import Any

import pytest

from flows.definition import Form, QType
from flows.loader import FormDefinitionError, check_catalogue, parse_form, parse_form_yaml
from flows.protocol import Submitted
from flows.text import FlowsError
from tests.flows.driver import Driver
from tests.flows.forms_for_tests import (
    COLOURS,
    FORMS_DIR,
    REAL_FORMS,
    SMALL_FORM_YAML,
    base_data,
    build,
    real_form,
    t,
)

SOURCE = "forms/rusak.yaml"


def refused(questions: list[dict[str, Any]], **extra: Any) -> str:
    """The message of the FormDefinitionError raised for a form of ``questions``."""
    with pytest.raises(FormDefinitionError) as caught:
        parse_form(base_data(questions, **extra), SOURCE)
    message = str(caught.value)
    assert message.startswith(SOURCE + ": "), message
    return message


def refused_yaml(text: str) -> str:
    with pytest.raises(FormDefinitionError) as caught:
        parse_form_yaml(text, SOURCE)
    message = str(caught.value)
    assert message.startswith(SOURCE + ": "), message
    return message


def q(id_: str, type_: str = "text", **extra: Any) -> dict[str, Any]:
    return {"id": id_, "type": type_, "label": t(f"Label {id_}"), **extra}


# --- the real forms -----------------------------------------------------------------------------


@pytest.mark.parametrize("form_id", REAL_FORMS)
def test_each_real_form_loads(form_id: str) -> None:
    form = real_form(form_id)
    assert form.id == form_id
    assert form.questions
    assert "{reference}" in form.done.id
    assert "{reference}" in form.done.en


def test_the_real_forms_make_a_catalogue() -> None:
    forms = [
        parse_form_yaml(path.read_text(encoding="utf-8"), str(path))
        for path in sorted(FORMS_DIR.glob("*.yaml"))
    ]
    catalogue = check_catalogue(forms)
    assert set(catalogue) == set(REAL_FORMS)
    with pytest.raises(FormDefinitionError, match="two forms have the id 'kk_ubah'"):
        check_catalogue([*forms, real_form("kk_ubah")])


def test_the_real_forms_have_what_the_engine_relies_on() -> None:
    rekam = real_form("ktp_rekam")
    assert rekam.service == "ktp_recording"
    assert rekam.question("nik").nik_check is not None
    assert rekam.question("not_eligible").type is QType.STOP
    kk = real_form("kk_ubah")
    members = kk.question("members")
    assert members.is_group
    assert members.min_items == 1
    assert members.sub("nik").nik_check is not None
    for form_id in REAL_FORMS:
        form = real_form(form_id)
        consent = form.questions[-1]
        assert consent.type is QType.CONSENT
        assert not consent.summary


def test_a_small_yaml_form_loads_and_runs() -> None:
    form = parse_form_yaml(SMALL_FORM_YAML, "kecil.yaml")
    drv = Driver(form)
    drv.tap("Merah")
    drv.command("skip")
    drv.tap("Kirim")
    assert drv.submissions == [{"warna": "merah", "alasan": None}]


# --- broken definitions -------------------------------------------------------------------------


def test_unknown_type() -> None:
    message = refused([q("nama", "txt")])
    assert "question 'nama'" in message
    assert "type" in message
    assert "'text', 'name'" in message


def test_missing_english_label() -> None:
    message = refused([{"id": "nama", "type": "text", "label": {"id": "Nama"}}])
    assert "question 'nama'" in message
    assert "label.en" in message
    assert "Field required" in message


def test_missing_english_label_inside_a_group() -> None:
    group = q(
        "anggota",
        "group",
        item_label=t("Anggota ke-{n}"),
        add_more=t("Tambah?"),
        questions=[q("nama"), {"id": "umur", "type": "number", "label": {"id": "Umur"}}],
    )
    message = refused([group])
    assert "question 'umur'" in message
    assert "label.en" in message


def test_unknown_key() -> None:
    message = refused([q("nama", requierd=False)])
    assert "question 'nama'" in message
    assert "requierd" in message
    assert "Extra inputs are not permitted" in message


def test_unknown_key_in_a_yaml_file() -> None:
    text = SMALL_FORM_YAML.replace("required: false", "requierd: false")
    message = refused_yaml(text)
    assert "question 'alasan'" in message
    assert "requierd" in message


def test_unknown_key_at_the_top() -> None:
    message = refused([q("nama")], servise="x")
    assert "servise" in message


def test_when_naming_a_later_question() -> None:
    message = refused([q("a", when={"question": "b", "answered": True}), q("b")])
    assert "question 'a'" in message
    assert "'when' refers to 'b', which is not an earlier question" in message


def test_when_naming_an_unknown_question() -> None:
    message = refused([q("a"), q("b", when={"question": "warna", "equals": "merah"})])
    assert "question 'b'" in message
    assert "'when' refers to 'warna'" in message


def test_when_naming_itself() -> None:
    message = refused([q("a", when={"question": "a", "answered": True})])
    assert "question 'a'" in message
    assert "'when' refers to 'a'" in message


def test_when_inside_a_group_naming_a_later_sibling() -> None:
    group = q(
        "anggota",
        "group",
        item_label=t("Anggota ke-{n}"),
        add_more=t("Tambah?"),
        questions=[q("kerja", when={"question": "umur", "gte": 15}), q("umur", "number")],
    )
    message = refused([group])
    assert "kerja" in message
    assert "anggota" in message
    assert "'when' refers to 'umur', which is not an earlier question" in message


def test_when_nested_in_all_any_not_is_checked() -> None:
    cond = {
        "all": [{"question": "a", "answered": True}, {"not": {"question": "zz", "answered": True}}]
    }
    message = refused([q("a"), q("b", when=cond)])
    assert "question 'b'" in message
    assert "'zz'" in message


@pytest.mark.parametrize(
    "cond",
    [
        {"equals": "ungu"},
        {"not_equals": "ungu"},
        {"in": ["merah", "ungu"]},
        {"not_in": ["ungu"]},
    ],
)
def test_a_comparison_value_that_is_not_one_of_the_choices(cond: dict[str, Any]) -> None:
    message = refused(
        [q("warna", "choice", choices=COLOURS), q("b", when={"question": "warna", **cond})]
    )
    assert "question 'b'" in message
    assert "'when' compares 'warna' with 'ungu', which is not one of its choices" in message
    assert "biru, hijau, merah" in message


def test_a_comparison_value_of_the_wrong_type_for_a_choice() -> None:
    choices = [{"value": "1", "label": t("Satu")}, {"value": "2", "label": t("Dua")}]
    message = refused(
        [q("n", "choice", choices=choices), q("b", when={"question": "n", "equals": 1})]
    )
    assert "question 'b'" in message
    assert "'when' compares 'n' with 1" in message


def test_contains_on_a_multi_must_be_a_choice() -> None:
    message = refused(
        [q("w", "multi", choices=COLOURS), q("b", when={"question": "w", "contains": "ungu"})]
    )
    assert "'when' compares 'w' with 'ungu'" in message


def test_contains_needs_a_multi_question() -> None:
    message = refused([q("a"), q("b", when={"question": "a", "contains": "x"})])
    assert "question 'b'" in message
    assert "'contains' needs a multi question" in message


@pytest.mark.parametrize("value", ["ya", "true", 1])
def test_a_yes_no_is_compared_with_true_or_false(value: object) -> None:
    message = refused([q("a", "yes_no"), q("b", when={"question": "a", "equals": value})])
    assert "question 'b'" in message
    assert f"'when' compares 'a' with {value!r}, but a yes_no answer is true or false" in message


def test_a_yes_no_compared_with_a_bool_loads_and_works() -> None:
    form = build([q("a", "yes_no"), q("b", when={"question": "a", "equals": True})])
    drv = Driver(form)
    drv.tap("Ya")
    assert drv.path == ("b",)


@pytest.mark.parametrize("qtype", ["choice", "multi"])
def test_a_choice_question_without_choices(qtype: str) -> None:
    message = refused([q("warna", qtype)])
    assert "question 'warna'" in message
    assert f"a {qtype} question needs either 'choices' or 'choices_from'" in message


def test_a_choice_question_with_duplicate_values() -> None:
    choices = [{"value": "a", "label": t("A")}, {"value": "a", "label": t("B")}]
    message = refused([q("warna", "choice", choices=choices)])
    assert "question 'warna'" in message
    assert "choice values must be unique" in message


def test_choices_on_a_question_that_has_none() -> None:
    message = refused([q("nama", choices=COLOURS)])
    assert "question 'nama'" in message
    assert "'choices' is only for choice and multi questions" in message


def test_a_group_without_add_more() -> None:
    message = refused([q("anggota", "group", item_label=t("Ke-{n}"), questions=[q("nama")])])
    assert "question 'anggota'" in message
    assert "a group needs 'item_label' and 'add_more'" in message


def test_a_group_without_questions_or_nested() -> None:
    message = refused([q("anggota", "group", item_label=t("Ke-{n}"), add_more=t("Lagi?"))])
    assert "question 'anggota'" in message
    assert "a group needs 'questions'" in message
    inner = q("dalam", "group", item_label=t("x"), add_more=t("y"), questions=[q("a")])
    message = refused(
        [q("anggota", "group", item_label=t("Ke-{n}"), add_more=t("Lagi?"), questions=[inner])]
    )
    assert "groups cannot be nested" in message


def test_a_group_with_min_items_above_max_items() -> None:
    group = q("anggota", "group", item_label=t("Ke-{n}"), add_more=t("Lagi?"), questions=[q("a")])
    message = refused([{**group, "min_items": 3, "max_items": 2}])
    assert "question 'anggota'" in message
    assert "min_items is larger than max_items" in message


def test_a_file_question_without_accept() -> None:
    message = refused([q("foto", "file")])
    assert "question 'foto'" in message
    assert "a file question needs 'accept'" in message


@pytest.mark.parametrize("second", [q("nama", "name"), q("x", "yes_no")])
def test_duplicate_ids(second: dict[str, Any]) -> None:
    message = refused([q("nama"), q("x"), second])
    assert f"question '{second['id']}'" in message
    assert "the id is used twice" in message


def test_duplicate_ids_inside_a_group() -> None:
    group = q(
        "anggota",
        "group",
        item_label=t("Ke-{n}"),
        add_more=t("Lagi?"),
        questions=[q("nama"), q("nama", "name")],
    )
    message = refused([group])
    assert "nama" in message
    assert "the id is used twice" in message
    group["questions"] = [q("pemohon")]
    message = refused([q("pemohon"), group])
    assert "pemohon" in message
    assert "the id is used twice" in message


def test_a_stop_without_when() -> None:
    message = refused([q("a"), q("berhenti", "stop", message=t("Tidak bisa."))])
    assert "question 'berhenti'" in message
    assert "a stop without 'when' would end every form" in message


def test_a_stop_without_message() -> None:
    message = refused([q("a"), q("berhenti", "stop", when={"question": "a", "answered": True})])
    assert "question 'berhenti'" in message
    assert "a stop needs a 'message'" in message


@pytest.mark.parametrize(
    "text",
    [
        "id: [unclosed",
        "id: x\n  title: : :\n",
        "questions:\n\t- id: a\n",
    ],
)
def test_invalid_yaml(text: str) -> None:
    message = refused_yaml(text)
    assert "not valid YAML" in message


def test_a_yaml_file_that_is_not_a_mapping() -> None:
    assert "must be a mapping" in refused_yaml("- id: x\n")
    assert "must be a mapping" in refused_yaml("")


def test_invalid_yaml_in_a_real_form_names_the_line() -> None:
    broken = SMALL_FORM_YAML.replace(
        "label: {id: Warna, en: Colour}", "label: {id: Warna, en: Colour"
    )
    message = refused_yaml(broken)
    assert "not valid YAML" in message
    assert re.search(r"line \d+", message)


@pytest.mark.parametrize("test", [{"age_under": 17}, {"age_at_least": 17}])
def test_an_age_test_on_a_question_that_is_not_a_date(test: dict[str, int]) -> None:
    message = refused([q("umur", "number"), q("b", when={"question": "umur", **test})])
    assert "question 'b'" in message
    assert "an age test needs a date question, 'umur' is number" in message


def test_a_condition_with_two_operators_or_none() -> None:
    message = refused([q("a"), q("b", when={"question": "a", "answered": True, "equals": "x"})])
    assert "question 'b'" in message
    assert "exactly one operator" in message
    message = refused([q("a"), q("b", when={"answered": True})])
    assert "a condition needs 'question'" in message


def test_a_day_question_needs_a_service_and_choices_from() -> None:
    message = refused([q("hari", "day", choices_from="booking.days")])
    assert "a form with a day question needs 'service'" in message
    message = refused([q("hari", "day")], service="x")
    assert "question 'hari'" in message
    assert "a day question needs 'choices_from'" in message


def test_a_question_id_that_is_not_a_name() -> None:
    message = refused([q("Nama Lengkap")])
    assert "question 'Nama Lengkap'" in message
    assert "id" in message


def test_nik_check_must_name_a_question_of_the_form() -> None:
    message = refused([q("lahir", "date"), q("nik", "nik", nik_check={"birth_date": "lahr"})])
    assert "question 'nik'" in message
    assert "nik_check.birth_date names 'lahr', which is not a question here" in message


def test_nik_check_must_name_a_question_of_the_right_type() -> None:
    message = refused([q("nik", "nik", nik_check={"birth_date": "lahir"}), q("lahir")])
    assert "question 'nik'" in message
    assert "nik_check.birth_date names 'lahir', a text question (expected date)" in message
    message = refused([q("nik", "nik", nik_check={"sex": "nik"})])
    assert "nik_check.sex names 'nik', a nik question (expected choice)" in message


def test_nik_check_may_name_a_later_question() -> None:
    sex = q(
        "jk", "choice", choices=[{"value": "L", "label": t("L")}, {"value": "P", "label": t("P")}]
    )
    form = build(
        [q("nik", "nik", nik_check={"birth_date": "lahir", "sex": "jk"}), q("lahir", "date"), sex]
    )
    assert form.question("nik").nik_check is not None


def test_nik_check_on_a_question_that_is_not_a_nik() -> None:
    message = refused([q("lahir", "date", nik_check={"birth_date": "lahir"})])
    assert "question 'lahir'" in message
    assert "'nik_check' is only for nik questions" in message


def test_a_done_text_with_a_wrong_placeholder() -> None:
    message = refused([q("a")], done=t("Nomor Anda: {ref}.", "Your number: {ref}."))
    assert "done" in message
    assert "{reference}" in message


@pytest.mark.parametrize("key", ["item_label", "add_more"])
def test_a_group_text_with_a_wrong_placeholder(key: str) -> None:
    group = q("anggota", "group", item_label=t("Ke-{n}"), add_more=t("Lagi?"), questions=[q("a")])
    group[key] = t("Anggota {nomor}")
    message = refused([group])
    assert "question 'anggota'" in message
    assert key in message
    assert "{n}" in message


def test_a_wrong_placeholder_would_have_crashed_the_engine_at_submission() -> None:
    """Why the loader checks placeholders: the engine fills ``done`` with ``str.format``."""
    data = base_data([q("a")], done=t("Nomor Anda: {ref}."))
    form = Form.model_validate(data)  # what the loader used to let through
    drv = Driver(form)
    drv.type("isi")
    with pytest.raises(KeyError):
        drv.tap("Kirim")


def test_a_placeholder_written_with_double_braces_is_fine() -> None:
    form = build([q("a")], done=t("Nomor {{resmi}}: {reference}."))
    drv = Driver(form, submit=lambda _a: Submitted("R-1"))
    drv.type("isi")
    drv.tap("Kirim")
    assert "Nomor {resmi}: R-1." in drv.last_text()


def test_the_error_is_a_flows_error_and_a_value_error() -> None:
    with pytest.raises(FlowsError):
        parse_form(base_data([q("a", "txt")]), SOURCE)
    with pytest.raises(ValueError, match=r"rusak\.yaml"):
        parse_form(base_data([q("a", "txt")]), SOURCE)
