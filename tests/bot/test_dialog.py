"""The dialog service end to end on a real database: the three forms, restarts, duplicates."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from sqlmodel import select

from bot.bootstrap import App
from bot.dialog import ChatKey, LangCmd, MenuCmd, parse_text
from flows.protocol import Command, LoadChoices, TextIn
from storage.models import Submission
from tests.bot.conftest import PNG_1PX, Chat, book_ktp, ktp_answers_until_day, make_app


def submissions(app: App) -> list[Submission]:
    with app.db.session() as s:
        return list(s.exec(select(Submission)))


def test_ktp_recording_booked_end_to_end(app: App) -> None:
    chat = Chat(app)
    text = ktp_answers_until_day(chat)
    assert "Pilih hari datang" in text
    assert "Jumat, 4 Desember — sisa 30" in chat.buttons()
    chat.tap("Senin, 7 Desember")
    text = chat.tap("Saya setuju")
    assert "Periksa kembali" in text
    assert "Senin, 7 Desember 2026" in text
    text = chat.tap("Kirim")
    assert "Pendaftaran perekaman KTP-el Anda diterima" in text
    assert "Nomor antrean: 1" in text
    assert "Senin, 7 Desember 2026, pukul 08.00–15.00" in text
    assert "37,5 °C" in text
    [sub] = submissions(app)
    assert sub.status == "booked"
    assert sub.reference.startswith("KTP-")
    assert sub.answers["nik"] == "3371011708000001"
    assert sub.answers["day"] == "2026-12-07"
    assert sub.answers["phone"] == "+6281234567890"
    [booking] = app.booking.bookings_for_chat(chat.key.ref)
    assert booking.code == sub.reference
    assert booking.queue_number == 1
    later = time.monotonic() + 2  # the day list may lag a booking by a second (DAYS_FRESH_S)
    app.booking._monotonic = lambda: later
    assert "sisa 29" in " ".join(
        o.label.id
        for o in app.dialog._sources["booking.days"](
            _load("day"), chat=chat.key, lang="id", form=app.catalogue["ktp_rekam"]
        ).choices
    )
    status = chat.send("/status")
    assert sub.reference in status
    assert "nomor antrean 1: aktif" in status


def _load(qid: str) -> LoadChoices:
    return LoadChoices(path=(qid,), source="booking.days")


def test_kk_change_newborn_with_upload(app: App) -> None:
    chat = Chat(app, "kk-1")
    chat.send("/mulai")
    chat.tap("Kartu Keluarga")
    chat.send("3371011203850002")
    chat.send("Budi Santoso")
    chat.send("3371012001150003")
    chat.tap("Tambah anggota")
    text = chat.send("Ayu Lestari")
    assert "Jenis kelamin" in text
    chat.tap("Perempuan")
    chat.send("Magelang")
    chat.send("01-12-2026")
    chat.tap("Anak")
    chat.send("Siti Aminah")
    chat.tap("Lewati")
    text = chat.tap("Tidak, lanjut")
    assert "Foto dokumen pendukung" in text
    text = chat.upload(b"MZ\x90\x00not a photo", "akta.jpg")
    assert "tidak bisa diterima" in text
    chat.upload(PNG_1PX, "akta.png")
    chat.send("budi@contoh.com")
    chat.tap("Lewati")
    chat.tap("Saya setuju")
    text = chat.tap("Kirim")
    assert "Permohonan perubahan data KK Anda diterima" in text
    [sub] = submissions(app)
    assert sub.status == "received"
    assert sub.answers["change_type"] == "tambah_anggota"
    [member] = sub.answers["members"]
    assert member["name"] == "AYU LESTARI"
    assert member["birth_date"] == "2026-12-01"
    assert member["father_name"] is None
    assert sub.answers["proof"]["mime"] == "image/png"
    assert app.files.get(sub.answers["proof"]["ref"]) == PNG_1PX


def test_replacement_lost_card(app: App) -> None:
    chat = Chat(app, "ganti-1")
    chat.send("/mulai")
    chat.tap("Penggantian KTP-el")
    text = chat.tap("Hilang")
    assert "kepolisian" in text
    chat.upload(PNG_1PX, "laporan.png")
    chat.send("3371011203850002")
    chat.send("Budi Santoso")
    chat.send("3371012001150003")
    chat.send("081234567890")
    chat.send("budi@contoh.com")
    chat.tap("Saya setuju")
    chat.tap("Kirim")
    [sub] = submissions(app)
    assert sub.form_id == "ktp_ganti"
    assert sub.answers["reason"] == "hilang"
    assert sub.answers["police_report"]["name"] == "laporan.png"


def test_restart_continues_at_the_same_question(tmp_path: Path, db_url: str) -> None:
    first = make_app(tmp_path, db_url)
    chat = Chat(first, "restart-1")
    chat.send("/mulai")
    chat.tap("perekaman KTP-el")
    chat.send("17-08-2000")
    chat.tap("Laki-laki")
    chat.send("3371011708000001")
    first.close()

    second = make_app(tmp_path, db_url)
    chat2 = Chat(second, "restart-1")
    chat2.send("/mulai")
    assert "▶️ Lanjutkan: Pendaftaran perekaman KTP-el" in chat2.buttons()
    text = chat2.tap("Lanjutkan")
    assert "Nama lengkap sesuai Kartu Keluarga" in text
    chat2.send("Budi Santoso")
    text = chat2.send("/kembali")
    assert "Jawaban Anda sebelumnya: BUDI SANTOSO" in text
    second.close()


def test_redelivered_update_is_applied_once(app: App) -> None:
    chat = Chat(app, "dup-1")
    chat.send("/mulai", update_id=1)
    chat.tap("perekaman KTP-el")
    assert "Jenis kelamin" in chat.send("17-08-2000", update_id=2)
    for _ in range(2):
        assert chat.send("17-08-2000", update_id=2) == ""
    state = app.dialog.current(chat.key)
    assert state is not None
    assert state.path == ("sex",)


def test_day_filled_before_confirm_offers_other_days(app: App) -> None:
    from datetime import date

    first, second = Chat(app, "a"), Chat(app, "b")
    for chat, nik in ((first, "3371011708000001"), (second, "3371011708000002")):
        ktp_answers_until_day(chat, nik=nik)
        chat.tap("Senin, 7 Desember")
        chat.tap("Saya setuju")
    app.booking.set_quota("ktp_recording", date(2026, 12, 7), 1)
    assert "diterima" in first.tap("Kirim")
    text = second.tap("Kirim")
    assert "baru saja penuh" in text
    assert "Senin, 7 Desember — sisa 0 — penuh" in second.buttons()
    text = second.tap("Senin, 7 Desember")
    assert "sudah penuh" in text
    second.tap("Selasa, 8 Desember")
    text = second.tap("Kirim")
    assert "diterima" in text
    assert "Selasa, 8 Desember 2026" in text


def test_same_nik_cannot_book_twice(app: App) -> None:
    first, second = Chat(app, "n1"), Chat(app, "n2")
    for chat in (first, second):
        ktp_answers_until_day(chat)
        chat.tap("Senin, 7 Desember")
        chat.tap("Saya setuju")
    first.tap("Kirim")
    text = second.tap("Kirim")
    assert "sudah terdaftar" in text
    assert "nomor antrean 1" in text
    assert len(submissions(app)) == 1


def test_switching_forms_keeps_both_drafts(app: App) -> None:
    chat = Chat(app, "sw-1")
    chat.send("/mulai")
    chat.tap("Penggantian KTP-el")
    chat.tap("Rusak")
    chat.send("/mulai")
    chat.tap("perekaman KTP-el")
    chat.send("17-08-2000")
    chat.send("/mulai")
    labels = " | ".join(chat.buttons())
    assert "Lanjutkan: Penggantian KTP-el" in labels
    assert "Lanjutkan: Pendaftaran perekaman KTP-el" in labels
    text = chat.tap("Lanjutkan: Penggantian")
    assert "membawa KTP-el yang rusak" in text


def test_language_switch_and_commands(app: App) -> None:
    chat = Chat(app, "lang-1")
    chat.send("/mulai")
    text = chat.send("/bahasa")
    assert "Language switched to English" in text
    assert "Choose a service" in text
    chat.tap("KTP-el (electronic ID card) recording")
    text = chat.send("31-02-2000")
    assert "February 2000 has no day 31" in text
    text = chat.send("/help")
    assert "/back" in text
    text = chat.send("/bahasa id")
    assert "Tanggal lahir Anda" in text


def test_parse_text_commands() -> None:
    assert parse_text("/batal") == Command("cancel")
    assert parse_text("/kembali@adminduk_bot") == Command("back")
    assert parse_text("/start") == MenuCmd()
    assert parse_text("/bahasa en") == LangCmd("en")
    assert parse_text("/unknown") == TextIn("/unknown")
    assert parse_text("halo") == TextIn("halo")


def test_text_before_choosing_a_service_shows_the_menu(app: App) -> None:
    chat = Chat(app, "menu-1")
    text = chat.send("halo")
    assert "Pilih layanan" in text
    text = chat.send("/batal")
    assert "Pilih layanan" in text


def test_logs_never_show_a_full_nik(app: App, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    chat = Chat(app, "log-1")
    book_ktp(chat)
    second = Chat(app, "log-2")
    book_ktp(second)
    assert caplog.records, "expected log lines to check"
    for record in caplog.records:
        line = record.getMessage()
        assert "3371011708000001" not in line
        assert "3371012001150003" not in line


def test_chat_key_ref() -> None:
    assert ChatKey("telegram", "42").ref == "telegram:42"


def test_second_booking_offers_to_move_the_first(app: App) -> None:
    from datetime import date

    from flows.protocol import Tap

    chat = Chat(app, "twice")
    book_ktp(chat)
    ktp_answers_until_day(chat)
    chat.tap("Rabu, 9 Desember")
    chat.tap("Saya setuju")
    text = chat.tap("Kirim")
    assert "sudah terdaftar" in text
    offer = next(r for r in chat.replies if r.kind == "error" and r.buttons)
    [button] = offer.button_list()
    assert "Pindahkan pendaftaran ke Rabu, 9 Desember 2026" in button.label
    assert "Periksa kembali" in chat.text, "the summary is shown again, nothing typed is lost"
    [moved] = app.dialog.handle(chat.key, Tap(button.data))
    assert "Pendaftaran dipindah" in moved.text
    [active] = [b for b in app.booking.bookings_for_chat(chat.key.ref) if b.is_active]
    assert active.day == date(2026, 12, 9)
