"""Hand-off to staff end to end over the fake Telegram: a stuck citizen reaches a person in the
staff group's forum topic, and the form resumes at the same question afterwards."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from tests.bot.telegram.harness import menu, polling_bot, reply, say, tap

STAFF_GROUP = -1001234567890


async def work(h) -> None:
    """Run the worker until nothing is due."""
    for _ in range(5):
        if await h.app.worker().run_once() == 0:
            return


async def test_stuck_citizen_talks_to_staff_then_finishes_the_form(
    tmp_path: Path, db_url: str
) -> None:
    async with polling_bot(tmp_path, db_url, staff_chat_id=STAFF_GROUP) as h:
        citizen = h.server.user(chat_id=5001, first_name="Siti")
        staff = h.server.user(chat_id=STAFF_GROUP, user_id=900, first_name="Petugas Ani")
        await menu(citizen)
        await tap(citizen, "Penggantian KTP-el", "Alasan penggantian")
        await tap(citizen, "Rusak", "membawa KTP-el yang rusak")
        await tap(citizen, "Ya", "NIK Anda")
        await say(citizen, "12345", "16 angka")
        await say(citizen, "1234567890123456", "NIK")
        text3 = await say(citizen, "337101120385", "Kesulitan?")
        assert "/bantuan" in text3
        await reply(citizen, "Mau dibantu petugas")
        await tap(citizen, "Bicara dengan petugas", "Permintaan bantuan #")
        await work(h)
        [topic_id] = list(h.server.topics(STAFF_GROUP))
        context = h.server.sent_messages(STAFF_GROUP)[-1].text
        assert "Tiket #1" in context
        assert "NIK Anda" in context
        assert "Rusak" in context

        citizen.send_text("Saya tidak tahu NIK saya yang mana")
        await reply(citizen, "Terkirim ke petugas")
        await work(h)
        assert "Saya tidak tahu NIK saya" in h.server.sent_messages(STAFF_GROUP)[-1].text

        staff.send_text("NIK ada di Kartu Keluarga, 16 angka.", message_thread_id=topic_id)
        got = await reply(citizen, "Petugas:")
        assert "NIK ada di Kartu Keluarga" in got

        # someone who is not staff, in a private chat, trying a staff command: nothing happens
        stranger = h.server.user(chat_id=5002)
        stranger.send_command("/selesai")
        await asyncio.sleep(0.5)
        assert h.server.sent_messages(5002) == []

        staff.send_text("/selesai", message_thread_id=topic_id)
        resumed = await reply(citizen, "Percakapan dengan petugas selesai")
        assert "NIK Anda" in resumed
        await say(citizen, "3371011203850002", "Nama lengkap")
        await say(citizen, "Budi Santoso", "Nomor Kartu Keluarga")
        await say(citizen, "3371012001150003", "Nomor HP")
        await say(citizen, "081234567890", "Alamat email")
        await say(citizen, "budi@contoh.com", "Persetujuan")
        await tap(citizen, "Saya setuju", "Periksa kembali")
        await tap(citizen, "Kirim", "diterima")
        with h.app.db.engine.connect() as conn:
            status = conn.execute(text("SELECT status, closed_by FROM ticket")).one()
            said = conn.execute(text("SELECT sender FROM ticket_message ORDER BY id")).scalars()
            assert status[0] == "closed"
            assert status[1].startswith("staff:")
            assert list(said) == ["citizen", "staff"]

        # the citizen erases their data: the staff group's topic with the conversation goes too
        citizen.send_command("/hapusdata")
        await reply(citizen, "Hapus semua data Anda")
        await tap(citizen, "Ya, hapus data saya", "Data Anda sudah dihapus")
        assert not h.server.topics(STAFF_GROUP)[topic_id].deleted
        await work(h)
        assert h.server.topics(STAFF_GROUP)[topic_id].deleted
        with h.app.db.engine.connect() as conn:
            assert conn.execute(text("SELECT topic_id FROM ticket")).scalar_one() is None
            assert conn.execute(text("SELECT count(*) FROM ticket_message")).scalar_one() == 0
