"""The real bot (aiogram, polling) in this event loop against the fake Bot API server."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from bot.bootstrap import App
from bot.telegram.limits import Pacer
from bot.telegram.notifier import TelegramNotifier
from bot.telegram.sender import Sender
from bot.telegram.setup import TelegramFrontend, build_telegram, run_polling
from bot.telegram.staff import TelegramStaffChannel
from tests.bot.conftest import make_app, plain
from tests.fakes.telegram_api import FakeTelegramServer, FakeUser, SentMessage

TIMEOUT = 15.0
ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fast_pacer() -> Pacer:
    """Pacing that never waits in a test (Telegram's limits are tested in test_limits.py)."""
    return Pacer(per_chat_burst=1000, global_rate=1000, global_burst=1000)


def bot_env(
    server: FakeTelegramServer, tmp_path: Path, db_url: str, **extra: str
) -> dict[str, str]:
    """Environment for an ``adminduk-bot`` process against ``server`` (plus ``extra``)."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATA_DIR": str(tmp_path / "var"),
        "DATABASE_URL": db_url,
        "TELEGRAM_BOT_TOKEN": server.token,
        "TELEGRAM_API_BASE": server.base_url,
        **extra,
    }


@dataclass
class Harness:
    """A fake Telegram, the application, and the bot polling it."""

    server: FakeTelegramServer
    app: App
    frontend: TelegramFrontend


@contextlib.asynccontextmanager
async def polling_bot(
    tmp_path: Path, db_url: str, *, staff_chat_id: int | None = None
) -> AsyncIterator[Harness]:
    """Start everything; stop it all afterwards. With ``staff_chat_id``, hand-off to that group."""
    server = FakeTelegramServer()
    await server.start()
    app = make_app(tmp_path, db_url)
    fast = fast_pacer()
    frontend = build_telegram(
        token=server.token,
        api_base=server.base_url,
        dialog=app.dialog,
        files=app.files,
        pacer=fast,
        handoff=app.handoff,
        staff_chat_id=staff_chat_id,
    )
    sender = Sender(fast)
    app.notifiers.register("telegram", TelegramNotifier(frontend.bot, sender))
    if staff_chat_id is not None:
        app.handoff.staff = TelegramStaffChannel(frontend.bot, sender, staff_chat_id)
    task = asyncio.create_task(run_polling(frontend))
    try:
        # Updates queue at the fake server until the bot's first poll fetches them.
        yield Harness(server, app, frontend)
    finally:
        task.cancel()  # also cancels the long poll in flight (stop_polling would wait it out)
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        await server.stop()
        await app.db.aclose()
        app.close()


def latest_with_buttons(server: FakeTelegramServer, chat_id: int) -> SentMessage:
    """The newest bot message in the chat that still has inline buttons."""
    for message in reversed(server.sent_messages(chat_id)):
        if message.buttons:
            return message
    raise AssertionError("no bot message with buttons")


def button_data(message: SentMessage, fragment: str) -> str:
    """The callback data of the button of ``message`` whose label contains ``fragment``."""
    for row in message.buttons:
        for button in row:
            if fragment.lower() in button["text"].lower():
                return str(button["callback_data"])
    labels = [b["text"] for row in message.buttons for b in row]
    raise AssertionError(f"no button with {fragment!r}: {labels}")


def press(user: FakeUser, fragment: str) -> None:
    """Tap the button whose label contains ``fragment`` on the newest message with buttons."""
    message = latest_with_buttons(user.server, user.chat_id)
    user.tap(button_data(message, fragment), message_id=message.raw["message_id"])


async def say(user: FakeUser, text: str, expect: str) -> str:
    """Type ``text`` and wait for a reply containing ``expect``; returns its plain text."""
    user.send_text(text)
    return await reply(user, expect)


async def tap(user: FakeUser, fragment: str, expect: str) -> str:
    """Press a button and wait for a reply containing ``expect``."""
    press(user, fragment)
    return await reply(user, expect)


async def menu(user: FakeUser) -> str:
    """Send ``/start`` and wait for the list of services."""
    user.send_command("/start")
    return await reply(user, "Pilih layanan")


async def reply(user: FakeUser, expect: str) -> str:
    """Wait for a bot message (sent or edited after the user's last action) with ``expect``."""
    message = await user.wait_reply(expect, timeout=TIMEOUT)
    return plain(message.text)
