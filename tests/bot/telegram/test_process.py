"""The real ``adminduk-bot run`` process against the fake Telegram: killed mid-form, restarted."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bot.telegram.harness import bot_env, free_port, press, reply, say
from tests.fakes.telegram_api import FakeTelegramServer


def start_bot(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run", "--port", str(free_port())],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )


@pytest.mark.slow
async def test_killed_bot_process_continues_at_the_same_question(
    tmp_path: Path, db_url: str
) -> None:
    server = FakeTelegramServer()
    await server.start()
    env = bot_env(server, tmp_path, db_url)
    bot = start_bot(env)
    try:
        user = server.user(chat_id=4001)
        user.send_command("/start")
        await user.wait_reply("Pilih layanan", timeout=60)
        press(user, "perekaman KTP-el")
        await reply(user, "Tanggal lahir")
        await say(user, "17-08-2000", "Jenis kelamin")
        old_question = server.sent_messages(4001)[-1]
        bot.send_signal(signal.SIGKILL)
        bot.wait(timeout=10)

        # While the bot is down the citizen taps the button; the new process gets the update.
        button = next(b for row in old_question.buttons for b in row if b["text"] == "Perempuan")
        user.tap(button["callback_data"], message_id=old_question.raw["message_id"])
        bot = start_bot(env)
        text = (await user.wait_reply("NIK Anda", timeout=60)).text
        assert "Langkah 3" in text
        await say(user, "3371015708000001", "Nama lengkap")
    finally:
        bot.kill()
        bot.wait(timeout=10)
        await server.stop()


@pytest.mark.slow
async def test_worker_process_sends_a_due_reminder_as_html(tmp_path: Path, db_url: str) -> None:
    import asyncio

    from tests.bot.conftest import Chat, ktp_answers_until_day, make_app

    server = FakeTelegramServer()
    await server.start()
    app = make_app(tmp_path, db_url)
    chat = Chat(app, "4002", channel="telegram")
    ktp_answers_until_day(chat)
    chat.tap("Senin, 7 Desember")
    chat.tap("Saya setuju")
    chat.tap("Kirim")
    with app.db.engine.begin() as conn:  # the reminder (and the proof) are due now
        conn.exec_driver_sql("UPDATE outbox_job SET run_at = created_at")
    app.close()
    env = bot_env(server, tmp_path, db_url)
    worker = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        message = await server.wait_for_message(4002, "Pengingat perekaman", timeout=60)
        reminder = next(c for c in server.calls_to("sendMessage") if "Pengingat" in str(c.params))
        assert reminder.params.get("parse_mode") == "HTML"
        assert "<b>" not in message.text, "tags are formatting, not shown as text"
        await asyncio.to_thread(server.wait_for_call_sync, "sendDocument", 60)
    finally:
        worker.kill()
        worker.wait(timeout=10)
        await server.stop()
