"""The bot over real HTTP, long polling a fake Telegram: forms, files, stale buttons, 429."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.dialog import ChatKey
from bot.telegram import routers
from tests.bot.conftest import PNG_1PX
from tests.bot.telegram.harness import (
    free_port,
    latest_with_buttons,
    menu,
    polling_bot,
    press,
    reply,
    say,
    tap,
)


async def fill_ktp_until_day(user) -> None:
    await tap(user, "perekaman KTP-el", "Tanggal lahir Anda")
    await say(user, "17-08-2000", "Jenis kelamin")
    await tap(user, "Laki-laki", "NIK Anda")
    await say(user, "3371011708000001", "Nama lengkap")
    await say(user, "Budi Santoso", "Nomor Kartu Keluarga")
    await say(user, "3371012001150003", "Tempat lahir")
    await say(user, "Magelang", "Kelurahan")


async def test_ktp_recording_form_completed_with_buttons_and_typing(
    tmp_path: Path, db_url: str
) -> None:
    async with polling_bot(tmp_path, db_url) as h:
        user = h.server.user(chat_id=1001, first_name="Budi")
        await menu(user)
        await fill_ktp_until_day(user)
        await tap(user, "Magersari", "Nomor HP")
        # a phone shared as a contact fills the phone question
        user.send_contact("+6281234567890")
        await reply(user, "Alamat email")
        await say(user, "budi@contoh.com", "Pilih hari datang")
        days = [b["text"] for row in latest_with_buttons(h.server, 1001).buttons for b in row]
        assert any("sisa 30" in d for d in days)
        await tap(user, days[1].split(" — ")[0], "Persetujuan")
        await tap(user, "Saya setuju", "Periksa kembali")
        text = await tap(user, "Kirim", "Kode pendaftaran")
        assert "Nomor antrean: 1" in text
        # every button press was answered (no endless spinner)
        taps = [c for c in h.server.calls if c.method == "answerCallbackQuery"]
        assert len(taps) >= 5
        assert h.server.commands(language_code="en"), "commands registered in English"
        assert h.server.commands(), "commands registered in Indonesian (default)"


async def test_kk_change_with_photo_and_bad_files(tmp_path: Path, db_url: str) -> None:
    async with polling_bot(tmp_path, db_url) as h:
        user = h.server.user(chat_id=1002)
        await menu(user)
        await tap(user, "Kartu Keluarga", "NIK pemohon")
        await say(user, "3371011203850002", "Nama lengkap pemohon")
        await say(user, "Budi Santoso", "Nomor Kartu Keluarga")
        await say(user, "3371012001150003", "Apa yang ingin diubah")
        await tap(user, "Pendidikan", "Nama lengkap anggota")
        await say(user, "Budi Santoso", "NIK anggota")
        await say(user, "3371011203850002", "Data lama")
        await say(user, "SLTA", "Pendidikan terakhir yang baru")
        await tap(user, "Strata I", "Ada anggota keluarga lain")
        await tap(user, "Tidak, lanjut", "Foto dokumen pendukung")
        user.send_document(b"%PDF-" + b"0" * (6 * 1024 * 1024), "ijazah.pdf", "application/pdf")
        assert "terlalu besar" in await reply(user, "terlalu besar")
        user.send_document(b"MZ\x90\x00 executable", "ijazah.jpg", "image/jpeg")
        assert "tidak bisa diterima" in await reply(user, "tidak bisa diterima")
        user.send_sticker()
        await reply(user, "kirim foto atau berkas")
        user.send_photo(PNG_1PX)
        await reply(user, "Alamat email")
        await say(user, "budi@contoh.com", "Nomor HP")
        await tap(user, "Lewati", "Persetujuan")
        await tap(user, "Saya setuju", "Periksa kembali")
        text = await tap(user, "Kirim", "diterima")
        assert "KK-" in text


async def test_replacement_back_edit_cancel_and_stale_button(tmp_path: Path, db_url: str) -> None:
    async with polling_bot(tmp_path, db_url) as h:
        user = h.server.user(chat_id=1003)
        await menu(user)
        await tap(user, "Penggantian KTP-el", "Alasan penggantian")
        old = latest_with_buttons(h.server, 1003)
        await tap(user, "Rusak", "membawa KTP-el yang rusak")
        # a button of an older message: said kindly, current question shown again
        stale = next(b for row in old.buttons for b in row if b["text"] == "Hilang")
        user.tap(stale["callback_data"], message_id=old.raw["message_id"], force=True)
        await reply(user, "pesan lama")
        await tap(user, "Ya", "NIK Anda")
        text = await say(user, "/kembali", "membawa KTP-el yang rusak")
        assert "Jawaban Anda sebelumnya: Ya" in text
        await tap(user, "Tetap", "NIK Anda")
        nik_update = user.send_text("3371011203850002")
        await reply(user, "Nama lengkap")
        await say(user, "Budi Santoso", "Nomor Kartu Keluarga")
        await say(user, "3371012001150003", "Nomor HP")
        await say(user, "0812 3456 7890", "Alamat email")
        await say(user, "budi@contoh.com", "Persetujuan")
        await tap(user, "Saya setuju", "Periksa kembali")
        # edit from the summary: change the reason, the new question comes, then the summary
        await tap(user, "1. Alasan", "Langkah 1 dari")
        await tap(user, "Hilang", "surat keterangan kehilangan")
        user.send_photo(PNG_1PX)
        text = await reply(user, "Periksa kembali")
        assert "Hilang" in text
        # an edited message changes nothing and says how to change an answer
        user.edit_text(nik_update["message"]["message_id"], "3371011203850003")
        await reply(user, "tidak mengubah jawaban")
        await tap(user, "Batal", "Batalkan formulir ini")
        await tap(user, "Ya, batalkan", "Formulir dibatalkan")


async def test_retry_after_429_is_respected(tmp_path: Path, db_url: str) -> None:
    async with polling_bot(tmp_path, db_url) as h:
        user = h.server.user(chat_id=1004)
        h.server.fail_next("sendMessage", status=429, retry_after=1)
        started = time.monotonic()
        await menu(user)
        assert time.monotonic() - started >= 1.0
        failed = [c for c in h.server.calls if c.method == "sendMessage" and c.status == 429]
        assert len(failed) == 1


async def test_server_errors_and_a_proxys_error_page_are_retried(
    tmp_path: Path, db_url: str
) -> None:
    async with polling_bot(tmp_path, db_url) as h:
        user = h.server.user(chat_id=1014)
        await menu(user)
        h.server.fail_next("answerCallbackQuery", status=500)
        h.server.fail_next("editMessageReplyMarkup", status=502, body="<html>Bad Gateway</html>")
        h.server.fail_next("sendMessage", disconnect=True)
        await tap(user, "perekaman KTP-el", "Tanggal lahir Anda")
        failed_first = {"answerCallbackQuery": 500, "editMessageReplyMarkup": 502, "sendMessage": 0}
        for method, status in failed_first.items():  # 0: the connection was dropped
            statuses = [c.status for c in h.server.calls_to(method)]
            assert status in statuses, method
            assert statuses[statuses.index(status) + 1] == 200, method  # the retry went through
        assert user.callback_answer() is not None
        menu_message = next(
            m for m in h.server.sent_messages(1014) if "Pilih layanan" in (m.text or "")
        )
        assert menu_message.buttons == []  # the tapped menu lost its buttons after the retry


async def test_a_tap_telegram_no_longer_knows_is_still_applied(tmp_path: Path, db_url: str) -> None:
    async with polling_bot(tmp_path, db_url) as h:
        user = h.server.user(chat_id=1015)
        await menu(user)
        h.server.fail_next(
            "answerCallbackQuery",
            status=400,
            description="Bad Request: query is too old and response timeout expired or query ID "
            "is invalid",
        )
        await tap(user, "perekaman KTP-el", "Tanggal lahir Anda")
        assert [c.status for c in h.server.calls_to("answerCallbackQuery")] == [400]


async def test_a_busy_sqlite_write_lock_is_waited_for_off_the_event_loop(
    tmp_path: Path, sqlite_url: str
) -> None:
    """On SQLite a step runs on the event loop only when the write lock is free at once; while
    another writer holds it, the update waits on a dialog thread and the loop serves others."""
    async with polling_bot(tmp_path, sqlite_url) as h:
        user, other = h.server.user(chat_id=1016), h.server.user(chat_id=1017)
        await menu(user)
        typed = other.send_text("halo")
        await reply(other, "Pilih layanan")
        writer = h.app.db._writer
        assert writer is not None
        writer.acquire()  # another writer of this process, holding the lock
        try:
            user.send_command("layanan")
            # Another chat's edited message is answered by the loop without the database.
            other.edit_text(typed["message"]["message_id"], "halo lagi")
            await reply(other, "tidak mengubah jawaban")
            assert sum("Pilih layanan" in (m.text or "") for m in h.server.sent_messages(1016)) == 1
        finally:
            writer.release()
        await reply(user, "Pilih layanan")
        assert sum("Pilih layanan" in (m.text or "") for m in h.server.sent_messages(1016)) == 2


async def test_updates_of_one_chat_are_applied_in_order(tmp_path: Path, db_url: str) -> None:
    async with polling_bot(tmp_path, db_url) as h:
        user = h.server.user(chat_id=1005)
        await menu(user)
        press(user, "perekaman KTP-el")
        await reply(user, "Tanggal lahir Anda")
        # typed quickly, all before the bot answers the first
        for text in ("17-08-2000", "1", "3371011708000001", "Budi Santoso"):
            user.send_text(text)
        await user.wait_reply("Nomor Kartu Keluarga", timeout=15)
        await asyncio.sleep(0.2)
        state = h.app.dialog.current(ChatKey("telegram", "1005"))
        assert state is not None
        assert state.answers["sex"] == "L"
        assert state.answers["full_name"] == "BUDI SANTOSO"


async def test_english_telegram_client_gets_english(tmp_path: Path, db_url: str) -> None:
    async with polling_bot(tmp_path, db_url) as h:
        user = h.server.user(chat_id=1006, language_code="en")
        user.send_command("/start")
        await reply(user, "Choose a service")
        text = await tap(user, "KTP-el replacement", "Reason for replacement")
        assert "Step 1 of" in text
        text = await say(user, "/bahasa", "Alasan penggantian")
        assert "Langkah 1 dari" in text


async def test_booking_proof_arrives_in_the_chat_as_a_pdf(tmp_path: Path, db_url: str) -> None:
    from bot.telegram.limits import Pacer
    from bot.telegram.notifier import TelegramNotifier
    from bot.telegram.sender import Sender

    async with polling_bot(tmp_path, db_url) as h:
        h.app.notifiers.register(
            "telegram", TelegramNotifier(h.frontend.bot, Sender(Pacer(per_chat_burst=100)))
        )
        user = h.server.user(chat_id=1007)
        await menu(user)
        await fill_ktp_until_day(user)
        await tap(user, "Magersari", "Nomor HP")
        await say(user, "081234567890", "Alamat email")
        await say(user, "budi@contoh.com", "Pilih hari datang")
        await tap(user, "Senin, 7 Desember", "Persetujuan")
        await tap(user, "Saya setuju", "Periksa kembali")
        await tap(user, "Kirim", "Kode pendaftaran")
        await h.app.worker().run_once()
        [document] = h.server.sent_documents(1007)
        assert document.data.startswith(b"%PDF")
        assert document.filename.startswith("BuktiDaftar-KTP-")
        assert document.caption is not None
        assert "PIN" in document.caption


async def _out_of_reach(app, url: str | None) -> str:
    """Point the application's event-loop connections at ``url`` (``None``: a port nothing
    listens on); returns the URL before."""
    before = app.db.url
    await app.db.aclose()
    app.db.url = url or str(make_url(before).set(port=free_port()))
    return before


async def _logged(caplog: pytest.LogCaptureFixture, fragment: str) -> None:
    for _ in range(200):
        if any(fragment in r.getMessage() for r in caplog.records):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never logged: {fragment!r}")


@pytest.mark.postgres
async def test_a_message_that_finds_the_database_down_is_applied_when_it_is_back(
    tmp_path: Path, pg_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Long polling: Telegram will not deliver the update again, so the bot tries it again
    itself while the database is out of reach (a restart), the chat's next updates waiting."""
    async with polling_bot(tmp_path, pg_url) as h:
        user = h.server.user(chat_id=1031)
        await menu(user)
        await tap(user, "perekaman KTP-el", "Tanggal lahir Anda")
        reachable = await _out_of_reach(h.app, None)
        user.send_text("17-08-2000")
        await _logged(caplog, "trying again")
        user.send_text("1")  # typed meanwhile: applied after the first, in order
        await _out_of_reach(h.app, reachable)
        await reply(user, "NIK Anda")
        state = h.app.dialog.current(ChatKey("telegram", "1031"))
        assert state is not None
        assert (state.answers["birth_date"], state.answers["sex"]) == ("2000-08-17", "L")
        assert not any("belum tersimpan" in (m.text or "") for m in h.server.sent_messages(1031))


@pytest.mark.postgres
async def test_a_database_down_for_long_asks_the_citizen_to_send_again(
    tmp_path: Path,
    pg_url: str,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(routers, "STORAGE_RETRY_DELAYS_S", (0.05, 0.1))
    async with polling_bot(tmp_path, pg_url) as h:
        user = h.server.user(chat_id=1032)
        await menu(user)
        await tap(user, "perekaman KTP-el", "Tanggal lahir Anda")
        reachable = await _out_of_reach(h.app, None)
        text = await say(user, "17-08-2000", "belum tersimpan")
        assert "kirim lagi" in text
        assert "Traceback" not in text
        await _out_of_reach(h.app, reachable)
        state = h.app.dialog.current(ChatKey("telegram", "1032"))
        assert state is not None
        assert "birth_date" not in state.answers
        await say(user, "17-08-2000", "Jenis kelamin")  # sent again: applied
        assert any("stayed out of reach" in r.getMessage() for r in caplog.records)
