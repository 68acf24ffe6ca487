"""The new KK of a KK change: the draft prefilled from the citizen's answers, and the parser
that turns what staff completed from SIAK into the printed ``FamilyCard`` or says, per field and
in both languages, what to fix."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.family_card import (
    BLOOD_TYPES,
    CARD_FIELDS,
    EDUCATIONS,
    FAMILY_CARD_FORMS,
    FORM_EDUCATIONS,
    FORM_MARITAL_STATUSES,
    FORM_RELATIONSHIPS,
    FORM_RELIGIONS,
    HEAD,
    MARITAL_STATUSES,
    MAX_MEMBERS,
    MEMBER_FIELDS,
    MEMBERS,
    RELATIONSHIPS,
    RELIGIONS,
    Area,
    Draft,
    FamilyCardInvalid,
    add_member,
    draft_from_form,
    draft_of,
    member_count,
    members_of,
    move_member_up,
    parse_family_card,
    prefill,
    remove_member,
    with_members,
)
from bot.office import load_office
from documents.models import FamilyCard
from tests.flows.forms_for_tests import real_form

TODAY = date(2026, 12, 3)
AREA = Area.of(load_office(None))
KK = "3371012001150003"
HEAD_NIK = "3371011203850002"  # a man born 12-03-1985
WIFE_NIK = "3371015708900001"  # a woman born 17-08-1990
BABY_NIK = "3371014111260001"  # a girl born 01-11-2026


def newborn_answers() -> dict[str, Any]:
    """A kk_ubah submission adding a newborn, as the dialog stores it."""
    return {
        "applicant_nik": HEAD_NIK,
        "applicant_name": "BUDI SANTOSO",
        "kk_number": KK,
        "change_type": "tambah_anggota",
        "members": [
            {
                "name": "AYU LESTARI SANTOSO",
                "sex": "P",
                "birth_place": "Magelang",
                "birth_date": "2026-11-01",
                "relationship": "anak",
                "mother_name": "SITI AMINAH",
                "father_name": "BUDI SANTOSO",
            }
        ],
        "email": "budi@contoh.com",
        "_summary": [["NIK pemohon", HEAD_NIK]],
    }


def member(**values: str) -> dict[str, str]:
    row = dict.fromkeys(MEMBER_FIELDS, "")
    row.update(values)
    return row


def valid_draft() -> Draft:
    """A complete family of three as staff copy it from SIAK."""
    card = {
        "kk_number": KK,
        "head_name": "Budi Santoso",
        "street": "Jl. Tidar No. 12",
        "rt": "1",
        "rw": "004",
        "kelurahan": "MAGERSARI",
        "kecamatan": "MAGELANG SELATAN",
        "city": "KOTA MAGELANG",
        "postal_code": "56126",
        "province": "JAWA TENGAH",
    }
    rows = [
        member(
            name="Budi Santoso",
            nik=HEAD_NIK,
            sex="L",
            birth_place="Magelang",
            birth_date="12-03-1985",
            religion="ISLAM",
            education="DIPLOMA IV/STRATA I",
            occupation="Karyawan Swasta",
            blood_type="O",
            relationship=HEAD,
            marital_status="KAWIN TERCATAT",
            marriage_date="30-06-2012",
            citizenship="WNI",
            father_name="Slamet Riyadi",
            mother_name="Sri Wahyuni",
        ),
        member(
            name="Siti Aminah",
            nik=WIFE_NIK,
            sex="P",
            birth_place="Temanggung",
            birth_date="17-08-1990",
            religion="ISLAM",
            education="SLTA/SEDERAJAT",
            occupation="MENGURUS RUMAH TANGGA",
            blood_type="A+",
            relationship="ISTRI",
            marital_status="KAWIN TERCATAT",
            marriage_date="30-06-2012",
            citizenship="WNI",
            father_name="Ahmad Fauzi",
            mother_name="Nur'aini",
        ),
        member(
            name="Ayu Lestari Santoso",
            nik=BABY_NIK,
            sex="P",
            birth_place="Magelang",
            birth_date="01-11-2026",
            religion="ISLAM",
            education="TIDAK/BELUM SEKOLAH",
            occupation="BELUM/TIDAK BEKERJA",
            blood_type="TIDAK TAHU",
            relationship="ANAK",
            marital_status="BELUM KAWIN",
            citizenship="WNI",
            father_name="Budi Santoso",
            mother_name="Siti Aminah",
        ),
    ]
    return with_members(card, rows)


def errors_of(draft: Draft) -> dict[str, Any]:
    with pytest.raises(FamilyCardInvalid) as caught:
        parse_family_card(draft, area=AREA, today=TODAY)
    return caught.value.errors


def changed(**values: str) -> Draft:
    draft = valid_draft()
    draft.update(values)
    return draft


# -- prefill -----------------------------------------------------------------------------------


def test_prefill_of_a_newborn() -> None:
    draft = prefill(newborn_answers(), area=AREA, today=TODAY)
    assert {k: draft[k] for k in CARD_FIELDS} == {
        "kk_number": KK,
        "head_name": "BUDI SANTOSO",
        "street": "",
        "rt": "",
        "rw": "",
        "kelurahan": "",
        "kecamatan": "MAGELANG SELATAN",  # district 01 of the KK number
        "city": "KOTA MAGELANG",
        "postal_code": "",
        "province": "JAWA TENGAH",
    }
    head, baby = members_of(draft)
    assert head["name"] == "BUDI SANTOSO"
    assert head["nik"] == HEAD_NIK
    assert head["relationship"] == HEAD
    assert (head["sex"], head["birth_date"]) == ("L", "12-03-1985"), "read from the NIK"
    assert head["citizenship"] == "WNI"
    assert baby == member(
        name="AYU LESTARI SANTOSO",
        sex="P",
        birth_place="MAGELANG",
        birth_date="01-11-2026",
        education="TIDAK/BELUM SEKOLAH",
        occupation="BELUM/TIDAK BEKERJA",
        blood_type="TIDAK TAHU",
        relationship="ANAK",
        marital_status="BELUM KAWIN",
        citizenship="WNI",
        father_name="BUDI SANTOSO",
        mother_name="SITI AMINAH",
    )


def test_prefill_of_changed_elements_uses_the_new_values() -> None:
    def one(change: str, **item: str) -> dict[str, str]:
        answers = {
            "applicant_nik": HEAD_NIK,
            "applicant_name": "BUDI SANTOSO",
            "kk_number": KK,
            "change_type": change,
            "members": [{"name": "SITI AMINAH", "nik": WIFE_NIK, **item}],
        }
        rows = members_of(prefill(answers, area=AREA, today=TODAY))
        assert len(rows) == 2, "the applicant as head, then the changed member"
        return rows[1]

    wife = one("pendidikan", before="SLTA", education_after="s1")
    assert wife["education"] == "DIPLOMA IV/STRATA I"
    assert (wife["sex"], wife["birth_date"]) == ("P", "17-08-1990"), "read from the NIK"
    assert wife["relationship"] == "", "not asked for a change: staff pick it from SIAK"
    wife = one("status_kawin", marital_after="kawin_tercatat", marriage_date="2012-06-30")
    assert (wife["marital_status"], wife["marriage_date"]) == ("KAWIN TERCATAT", "30-06-2012")
    wife = one("status_kawin", marital_after="cerai_hidup_tercatat", marriage_date="2020-01-02")
    assert wife["marital_status"] == "CERAI HIDUP TERCATAT"
    assert wife["marriage_date"] == "", "that date is the divorce's, not a marriage date"
    wife = one("agama", religion_after="kepercayaan")
    assert wife["religion"] == "KEPERCAYAAN TERHADAP TUHAN YME"
    wife = one("pekerjaan", before="wiraswasta", after="Guru")
    assert wife["occupation"] == "GURU"
    wife = one("nama", before="SITI AMINAH", after="Siti  Aminah Rahayu")
    assert wife["name"] == "SITI AMINAH RAHAYU"
    wife = one("tanggal_lahir", birth_date="1990-08-18")
    assert wife["birth_date"] == "18-08-1990", "the corrected date, not the NIK's"


def test_prefill_when_the_applicant_is_the_changed_member() -> None:
    answers = {
        "applicant_nik": HEAD_NIK,
        "applicant_name": "BUDI SANTOSO",
        "kk_number": KK,
        "change_type": "pekerjaan",
        "members": [{"name": "BUDI SANTOSO", "nik": HEAD_NIK, "after": "wiraswasta"}],
    }
    [head] = members_of(prefill(answers, area=AREA, today=TODAY))
    assert (head["relationship"], head["occupation"]) == (HEAD, "WIRASWASTA")
    answers.update(change_type="nama", members=[{"nik": HEAD_NIK, "after": "Budi Santosa"}])
    draft = prefill(answers, area=AREA, today=TODAY)
    assert draft["head_name"] == draft["members.0.name"] == "BUDI SANTOSA"


def test_prefill_of_an_unknown_district_leaves_the_kecamatan_empty() -> None:
    answers = {**newborn_answers(), "kk_number": "3372011203850002"}
    assert prefill(answers, area=AREA, today=TODAY)["kecamatan"] == ""
    assert prefill({}, area=AREA, today=TODAY)["kk_number"] == ""


def test_every_choice_of_the_form_maps_to_the_kk_vocabulary() -> None:
    form = real_form("kk_ubah")
    assert form.id in FAMILY_CARD_FORMS
    [group] = [q for q in form.questions if q.id == "members"]
    sub = {q.id: q for q in group.questions}
    for question, mapping, vocabulary in (
        ("relationship", FORM_RELATIONSHIPS, RELATIONSHIPS),
        ("education_after", FORM_EDUCATIONS, EDUCATIONS),
        ("marital_after", FORM_MARITAL_STATUSES, MARITAL_STATUSES),
        ("religion_after", FORM_RELIGIONS, RELIGIONS),
    ):
        values = {c.value for c in sub[question].choices}
        assert values == set(mapping), question
        assert set(mapping.values()) <= set(vocabulary), question


def test_the_prefilled_draft_needs_what_only_siak_knows() -> None:
    errors = errors_of(prefill(newborn_answers(), area=AREA, today=TODAY))
    for key in ("street", "rt", "rw", "kelurahan", "postal_code", "members.1.nik"):
        assert errors[key].id == "Wajib diisi."
        assert errors[key].en == "Required."
    assert "kk_number" not in errors
    assert "members.1.birth_date" not in errors


# -- parsing -----------------------------------------------------------------------------------


def test_a_complete_draft_parses() -> None:
    card = parse_family_card(valid_draft(), area=AREA, today=TODAY)
    assert isinstance(card, FamilyCard)
    assert (card.kk_number, card.head_name) == (KK, "BUDI SANTOSO")
    a = card.address
    assert (a.street, a.rt, a.rw, a.kelurahan, a.kecamatan) == (
        "JL. TIDAR NO. 12",
        "001",
        "004",
        "MAGERSARI",
        "MAGELANG SELATAN",
    )
    assert (a.city, a.postal_code, a.province) == ("KOTA MAGELANG", "56126", "JAWA TENGAH")
    head, wife, baby = card.members
    assert head.marriage_date == date(2012, 6, 30)
    assert head.occupation == "KARYAWAN SWASTA"
    assert wife.mother_name == "NUR'AINI"
    assert (wife.blood_type, wife.sex) == ("A+", "P")
    assert baby.birth_date == date(2026, 11, 1)
    assert baby.marriage_date is None
    assert (baby.passport_number, baby.kitas_number) == ("", "")


def test_stored_form_round_trips() -> None:
    card = parse_family_card(valid_draft(), area=AREA, today=TODAY)
    stored = draft_of(card)
    assert stored["members.0.birth_date"] == "12-03-1985"
    assert stored["rt"] == "001"
    assert parse_family_card(stored, area=AREA, today=TODAY) == card


def test_lower_case_choices_and_spaced_numbers_are_accepted() -> None:
    draft = changed(
        **{
            "kk_number": "3371 0120 0115 0003",
            "members.1.religion": "islam",
            "members.1.nik": "3371-0157-0890-0001",
            "kecamatan": "Magelang Selatan",
            "kelurahan": "magersari",
        }
    )
    card = parse_family_card(draft, area=AREA, today=TODAY)
    assert card.kk_number == KK
    assert card.members[1].nik == WIFE_NIK
    assert card.members[1].religion == "ISLAM"


@pytest.mark.parametrize(
    ("field", "value", "key", "id_part", "en_part"),
    [
        ("kk_number", "33710120011500", "kk_number", "harus 16 angka", "has 16 digits"),
        ("kk_number", "9971012001150003", "kk_number", "provinsi 99", "Province code 99"),
        ("members.2.nik", "3371014111260000", "members.2.nik", "Nomor urut 0000", "Serial number"),
        ("members.2.nik", "33710141112600O1", "members.2.nik", "bukan angka", "not a digit"),
        ("members.2.birth_date", "2026-11-01", "members.2.birth_date", "dd-mm-yyyy", "dd-mm-yyyy"),
        ("members.2.birth_date", "31-11-2026", "members.2.birth_date", "tidak ada", "has no day"),
        ("members.2.birth_date", "01-01-2027", "members.2.birth_date", "hari ini", "today"),
        ("members.0.name", "Budi 2", "members.0.name", "angka", "digits"),
        ("members.1.mother_name", "", "members.1.mother_name", "Wajib diisi", "Required"),
        ("rt", "1234", "rt", "1 sampai 3 angka", "1 to 3 digits"),
        ("rw", "000", "rw", "Nomor 0", "no number 0"),
        ("postal_code", "5612", "postal_code", "5 angka", "5 digits"),
        ("members.0.religion", "ATHEIS", "members.0.religion", "Pilih salah satu", "Choose one"),
        ("members.1.blood_type", "C", "members.1.blood_type", "Pilih salah satu", "Choose one"),
        ("members.2.sex", "X", "members.2.sex", "Pilih salah satu", "Choose one"),
        ("members.2.citizenship", "", "members.2.citizenship", "Wajib diisi", "Required"),
        ("kelurahan", "WATES", "kelurahan", "tidak termasuk", "is not in"),
        ("kecamatan", "MUNGKID", "kecamatan", "Pilih salah satu", "Choose one"),
        ("members.0.birth_place", "Magelang 2", "members.0.birth_place", "huruf", "letters"),
        ("members.0.occupation", "<b>", "members.0.occupation", "huruf, angka", "letters, digits"),
        ("head_name", "Siti Aminah", "head_name", "Harus sama", "Must be the name"),
        ("members.2.relationship", HEAD, "members.2.relationship", "satu KEPALA", "only one"),
        ("members.0.relationship", "SUAMI", "members", "KEPALA KELUARGA", "KEPALA KELUARGA"),
        ("members.2.nik", WIFE_NIK, "members.2.nik", "anggota ke-2", "member 2"),
        (
            "members.2.marriage_date",
            "01-12-2026",
            "members.2.marriage_date",
            "hanya untuk status kawin",
            "only for a married person",
        ),
        (
            "members.0.marriage_date",
            "",
            "members.0.marriage_date",
            "isi tanggal perkawinan",
            "needs its date",
        ),
        (
            "members.0.marriage_date",
            "01-01-1980",
            "members.0.marriage_date",
            "sesudah tanggal lahir",
            "after the date of birth",
        ),
        (
            "members.1.kitas_number",
            "2C21JD1234",
            "members.1.kitas_number",
            "hanya untuk WNA",
            "WNA",
        ),
        ("members.1.passport_number", "X1", "members.1.passport_number", "5 sampai 30", "5 to 30"),
    ],
)
def test_a_bad_field_is_named_in_both_languages(
    field: str, value: str, key: str, id_part: str, en_part: str
) -> None:
    errors = errors_of(changed(**{field: value}))
    assert key in errors, errors
    assert id_part in errors[key].id
    assert en_part in errors[key].en
    assert len(errors) == 1, {k: v.en for k, v in errors.items()}


def test_the_head_of_family_must_be_first() -> None:
    draft = move_member_up(valid_draft(), 1)
    errors = errors_of(draft)
    assert "harus anggota pertama" in errors["members.1.relationship"].id
    assert "must be the first member" in errors["members.1.relationship"].en
    fixed = move_member_up(draft, 1)
    assert parse_family_card(fixed, area=AREA, today=TODAY).members[0].relationship == HEAD


def test_a_foreign_member_needs_a_passport() -> None:
    errors = errors_of(changed(**{"members.1.citizenship": "WNA"}))
    assert errors["members.1.passport_number"].en == "WNA: the passport number."
    draft = changed(
        **{
            "members.1.citizenship": "WNA",
            "members.1.passport_number": "a 1234567",
            "members.1.kitas_number": "2C21JD1234-X",
        }
    )
    wife = parse_family_card(draft, area=AREA, today=TODAY).members[1]
    assert (wife.citizenship, wife.passport_number, wife.kitas_number) == (
        "WNA",
        "A1234567",
        "2C21JD1234-X",
    )


def test_no_members_at_all() -> None:
    draft = with_members(valid_draft(), [])
    errors = errors_of(draft)
    assert "paling sedikit satu anggota" in errors[MEMBERS].id
    assert "at least one member" in errors[MEMBERS].en


def test_every_problem_is_reported_at_once() -> None:
    draft = changed(**{"rt": "x", "members.1.nik": "1", "members.2.religion": ""})
    assert set(errors_of(draft)) == {"rt", "members.1.nik", "members.2.religion"}


def test_blank_rows_are_ignored() -> None:
    draft = add_member(valid_draft())
    assert member_count(draft) == 4
    assert draft["members.3.citizenship"] == "WNI", "a new row starts as WNI"
    assert len(parse_family_card(draft, area=AREA, today=TODAY).members) == 3
    draft["members.3.name"] = "Andi Pratama"
    errors = errors_of(draft)
    assert "members.3.nik" in errors, "a started row must be completed"


# -- editing the draft -------------------------------------------------------------------------


def test_rows_are_added_removed_and_moved() -> None:
    draft = valid_draft()
    names = [r["name"] for r in members_of(draft)]
    assert [r["name"] for r in members_of(remove_member(draft, 1))] == [names[0], names[2]]
    assert members_of(remove_member(draft, 7)) == members_of(draft)
    assert [r["name"] for r in members_of(move_member_up(draft, 2))] == [
        names[0],
        names[2],
        names[1],
    ]
    assert members_of(move_member_up(draft, 0)) == members_of(draft)
    full = with_members(draft, [member(name=f"ORANG {n}") for n in range(MAX_MEMBERS)])
    assert member_count(add_member(full)) == MAX_MEMBERS


def test_a_posted_form_keeps_known_fields_only() -> None:
    posted = {
        "csrf": "token",
        "action": "save",
        "kk_number": "  " + KK + " ",
        "street": "x" * 500,
        "members.0.name": "Budi",
        "members.0.shoe_size": "42",
        "members.7.name": "Siti",
        "members.99.name": "ignored: not a row number",
        "members.x.name": "ignored",
        "members.1.nik": 12345,
    }
    draft = draft_from_form(posted)
    assert draft["kk_number"] == KK
    assert len(draft["street"]) == 200
    assert "csrf" not in draft
    assert "members.0.shoe_size" not in draft
    assert [r["name"] for r in members_of(draft)] == ["Budi", "", "Siti"], (
        "rows renumbered densely; a value that is not text is blank"
    )
    assert set(BLOOD_TYPES) >= {"A", "B", "AB", "O", "A+", "O-", "TIDAK TAHU"}
