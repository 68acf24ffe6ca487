"""``/hapusdata``: a citizen's data is erased after a confirmation."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlmodel import select

from bot.bootstrap import App
from storage.errors import StorageError
from storage.models import Submission
from storage.staff import DeskStore
from tests.bot.conftest import (
    NOW,
    PNG_1PX,
    Chat,
    book_ktp,
    education_change_until_upload,
    submit_newborn,
)
from tests.bot.test_bookings import Recorder
from tests.bot.test_family_card import KK, valid_draft
from tests.bot.test_retention import replace_lost_card


def test_erase_my_data(app: App) -> None:
    recorder = Recorder()
    app.notifiers.register("test", recorder)
    chat = Chat(app, "erase-1")
    book_ktp(chat)
    asyncio.run(app.worker().run_once())  # the booking proof is issued
    stored = app.files.put(PNG_1PX)  # the reference the upload below is stored under
    education_change_until_upload(chat, PNG_1PX)

    text = chat.send("/hapusdata")
    assert "Hapus semua data Anda" in text
    text = chat.tap("Tidak, simpan")
    assert "tidak dihapus" in text
    assert app.booking.bookings_for_chat(chat.key.ref)[0].is_active

    chat.send("/hapusdata")
    text = chat.tap("Ya, hapus")
    assert "sudah dihapus" in text
    [booking] = app.booking.bookings_for_chat(chat.key.ref)
    assert booking.status.value == "cancelled"
    assert app.booking.day_availability("ktp_recording", date(2026, 12, 7)).left == 30
    with app.db.session() as s:
        [sub] = list(s.exec(select(Submission)))
    assert sub.status == "erased"
    assert sub.answers == {"erased": True}
    [doc] = [d for d in [app.docs.by_id(1)] if d is not None]
    assert doc.status == "revoked"
    assert app.docs.pdf(doc.id) == b""
    assert app.dialog.current(chat.key) is None, "the KK draft was erased too"
    with pytest.raises(StorageError, match="missing"):
        app.files.get(stored.ref)
    text = chat.send("/mulai")
    assert "Pilih layanan" in text


def test_erase_removes_the_kk_data_staff_completed(app: App) -> None:
    recorder = Recorder()
    app.notifiers.register("test", recorder)
    chat = Chat(app, "erase-kk")
    reference = submit_newborn(chat)
    desk = DeskStore(app.db)
    desk.save_family_card(reference, valid_draft(), staff_username="sari", at=NOW)
    other = submit_newborn(Chat(app, "someone-else"))
    desk.save_family_card(other, valid_draft(), staff_username="sari", at=NOW)
    assert app.documents.queue_for_reference(reference) == "family_card"
    asyncio.run(app.worker().run_once())
    [(_ref, filename, _pdf, _caption)] = recorder.documents
    assert KK in filename
    [issued] = app.docs.for_chat(chat.key.ref)

    chat.send("/hapusdata")
    assert "sudah dihapus" in chat.tap("Ya, hapus")
    assert desk.family_card(reference) is None
    assert desk.family_card(other) is not None, "another chat's data stays"
    doc = app.docs.by_id(issued.id)
    assert doc is not None
    assert doc.status == "revoked"
    assert doc.filename == "dihapus.pdf", "the file name carried the KK number"
    assert KK not in doc.filename


def test_erase_keeps_a_photo_another_chat_still_needs(app: App) -> None:
    photo = PNG_1PX + b"police report"
    first, second = Chat(app, "family-1"), Chat(app, "family-2")
    replace_lost_card(first, photo)
    replace_lost_card(second, photo)  # the same bytes: one stored file
    stored = app.files.put(photo)

    first.send("/hapusdata")
    assert "sudah dihapus" in first.tap("Ya, hapus")
    assert app.files.get(stored.ref) == photo, "the other chat's submission still names it"
    second.send("/hapusdata")
    second.tap("Ya, hapus")
    with pytest.raises(StorageError, match="missing"):
        app.files.get(stored.ref)


def test_erase_blanks_the_chats_bookings_and_their_check_ins(app: App) -> None:
    chat = Chat(app, "erase-booking")
    book_ktp(chat)
    [booking] = app.booking.bookings_for_chat(chat.key.ref)
    desk = DeskStore(app.db)
    desk.record_checkin(
        booking_code=booking.code,
        service=booking.service,
        day=booking.day,
        temperature=38.1,
        admitted=False,
        staff_username="sari",
        at=NOW,
    )

    chat.send("/hapusdata")
    chat.tap("Ya, hapus")
    [erased] = app.booking.bookings_for_chat(chat.key.ref)
    assert erased.status.value == "cancelled"
    assert (erased.nik, erased.holder_name) == ("", "(dihapus)")
    assert app.booking.day_availability("ktp_recording", date(2026, 12, 7)).left == 30
    assert desk.checkins([booking.code]) == {}, "a body temperature is health data"
