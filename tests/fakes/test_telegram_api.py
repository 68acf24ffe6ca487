"""Tests of the fake Telegram Bot API server, driven by the real aiogram ``Bot``."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
import time
import urllib.request
import zlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import TelegramMethod
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from tests.fakes.telegram_api import FakeTelegramServer

CHAT = 1001


class _FastCloseSession(AiohttpSession):
    """aiogram's session without the 250 ms SSL grace sleep on close (loopback HTTP only)."""

    async def close(self) -> None:
        """Close the client session at once."""
        if self._session is not None and not self._session.closed:
            await self._session.close()


def _png(width: int = 4, height: int = 3) -> bytes:
    """A small valid PNG."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body).to_bytes(4, "big")
        return len(body).to_bytes(4, "big") + kind + body + crc

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    rows = b"".join(b"\x00" + b"\x80\x40\x20" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    """A fake Telegram in the test's loop."""
    async with FakeTelegramServer() as fake:
        yield fake


def _bot(server: FakeTelegramServer, token: str | None = None) -> Bot:
    return Bot(token or server.token, session=_FastCloseSession(api=server.api_server()))


@pytest.fixture
async def bot(server: FakeTelegramServer) -> AsyncIterator[Bot]:
    """The real aiogram Bot, pointed at the fake."""
    real_bot = _bot(server)
    yield real_bot
    await real_bot.session.close()


class _WebhookReceiver:
    """A tiny HTTP endpoint that records what the fake Telegram POSTs to it."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.statuses = list(statuses or [])
        self.received: list[tuple[dict[str, Any], str | None]] = []
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append(
            (await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        )
        status = self.statuses.pop(0) if self.statuses else 200
        return web.json_response({}, status=status)

    async def __aenter__(self) -> _WebhookReceiver:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self.runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}/hook"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.runner is not None
        await self.runner.cleanup()


# ---- basics -----------------------------------------------------------------------------------


async def test_get_me(server: FakeTelegramServer, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot
    assert me.username == "adminduk_test_bot"
    assert me.id == bot.id
    assert [c.method for c in server.calls] == ["getMe"]
    assert server.calls[0].status == 200


async def test_wrong_token_is_unauthorized(server: FakeTelegramServer) -> None:
    intruder = _bot(server, token="42:not-the-token")
    try:
        with pytest.raises(TelegramUnauthorizedError, match="Unauthorized"):
            await intruder.get_me()
    finally:
        await intruder.session.close()
    assert server.calls[-1].status == 401


async def test_unknown_method_is_404(server: FakeTelegramServer, bot: Bot) -> None:
    class SendDice(TelegramMethod[Message]):
        __returning__ = Message
        __api_method__ = "sendDiceOfDoom"
        chat_id: int

    with pytest.raises(TelegramNotFound, match="method not found"):
        await bot(SendDice(chat_id=CHAT))


async def test_accepts_get_query_and_json_bodies(server: FakeTelegramServer) -> None:
    base = f"{server.base_url}/bot{server.token}"

    def fetch(request: urllib.request.Request | str) -> dict[str, Any]:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
            return dict(json.loads(response.read()))

    got = await asyncio.to_thread(fetch, f"{base}/sendMessage?chat_id={CHAT}&text=123")
    assert got["result"]["text"] == "123"
    body = {
        "chat_id": str(CHAT),
        "text": "Pilih",
        "reply_markup": json.dumps({"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}),
    }
    request = urllib.request.Request(  # noqa: S310 - loopback http URL we built
        f"{base}/sendMessage",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    got = await asyncio.to_thread(fetch, request)
    assert got["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"
    assert [m.text for m in server.sent_messages(CHAT)] == ["123", "Pilih"]


# ---- messages, keyboards, callbacks -----------------------------------------------------------


async def test_inline_keyboard_tap_and_answer(server: FakeTelegramServer, bot: Bot) -> None:
    citizen = server.user(chat_id=CHAT, first_name="Siti")
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text="Rekam KTP-el", callback_data="svc:ktp")],
            [InlineKeyboardButton(text="Ubah KK", callback_data="svc:kk")],
        ]
    )
    sent = await bot.send_message(CHAT, "Pilih layanan:", reply_markup=keyboard)
    assert sent.message_id == 1
    assert sent.reply_markup is not None
    assert sent.reply_markup.model_dump() == keyboard.model_dump()
    assert citizen.last_text() == "Pilih layanan:"
    assert citizen.buttons() == [
        [{"text": "Rekam KTP-el", "callback_data": "svc:ktp"}],
        [{"text": "Ubah KK", "callback_data": "svc:kk"}],
    ]

    pushed = citizen.tap("svc:kk")
    updates = await bot.get_updates(timeout=0)
    assert [u.update_id for u in updates] == [pushed["update_id"]]
    query = updates[0].callback_query
    assert query is not None
    assert query.data == "svc:kk"
    assert query.from_user.first_name == "Siti"
    assert isinstance(query.message, Message)
    assert query.message.message_id == sent.message_id

    assert query.id not in server.answered_callbacks
    assert await bot.answer_callback_query(query.id, text="Dipilih")
    assert server.answered_callbacks[query.id].text == "Dipilih"
    assert citizen.callback_answer() == server.answered_callbacks[query.id]
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query.id)
    with pytest.raises(LookupError):
        citizen.tap("svc:nothing")


async def test_edits_and_telegram_rules(server: FakeTelegramServer, bot: Bot) -> None:
    citizen = server.user(chat_id=CHAT)
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Ya", callback_data="yes")]]
    )
    sent = await bot.send_message(
        CHAT, "<b>NIK</b> benar?", parse_mode="HTML", reply_markup=keyboard
    )
    assert sent.text == "NIK benar?"
    with pytest.raises(TelegramBadRequest, match="not modified"):
        await bot.edit_message_text(
            text="NIK benar?", chat_id=CHAT, message_id=sent.message_id, reply_markup=keyboard
        )
    citizen.tap_button("Ya")
    edited = await bot.edit_message_text(
        text="NIK dicatat.", chat_id=CHAT, message_id=sent.message_id
    )
    assert isinstance(edited, Message)
    assert edited.reply_markup is None  # an edit without reply_markup drops the keyboard
    [shown] = server.sent_messages(CHAT)
    assert (shown.text, shown.edited, shown.history, shown.buttons) == (
        "NIK dicatat.",
        True,
        ("NIK benar?",),
        [],
    )
    assert (await citizen.wait_reply()).text == "NIK dicatat."

    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(CHAT, "Nama <tidak valid>", parse_mode="HTML")
    too_long = InlineKeyboardButton(text="x", callback_data="x" * 65)
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(
            CHAT, "x", reply_markup=InlineKeyboardMarkup(inline_keyboard=[[too_long]])
        )
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(CHAT, "a" * 4097)

    reply_keyboard = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Laki-laki")]])
    await bot.send_message(CHAT, "Jenis kelamin?", reply_markup=reply_keyboard)
    assert citizen.reply_keyboard() == [["Laki-laki"]]
    await bot.send_message(CHAT, "Terima kasih", reply_markup=ReplyKeyboardRemove())
    assert citizen.reply_keyboard() is None

    assert await bot.delete_message(CHAT, sent.message_id)
    assert [m.message_id for m in server.sent_messages(CHAT)] == [2, 3]
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(CHAT, sent.message_id)


async def test_user_update_kinds_parse_in_aiogram(server: FakeTelegramServer, bot: Bot) -> None:
    citizen = server.user(chat_id=CHAT, first_name="Budi", language_code="id")
    first = citizen.send_command("/start", "ktp")
    citizen.send_text("Budi Santoso")
    citizen.send_contact("+6281234567890")
    citizen.send_location(-7.4797, 110.2177)
    citizen.send_sticker()
    citizen.send_voice()
    citizen.send_document(b"%PDF-1.7 ijazah", "ijazah.pdf", "application/pdf")
    citizen.edit_text(first["message"]["message_id"] + 1, "Budi Santoso Wibowo")
    updates = await bot.get_updates(timeout=0)
    ids = [u.update_id for u in updates]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids) == 8
    start = updates[0].message
    assert start is not None
    assert start.text == "/start ktp"
    assert start.entities is not None
    assert start.entities[0].type == "bot_command"
    assert start.from_user is not None
    assert start.from_user.language_code == "id"
    kinds = [u.event_type for u in updates]
    assert kinds == ["message"] * 7 + ["edited_message"]
    contact = updates[2].message
    assert contact is not None
    assert contact.contact is not None
    assert contact.contact.user_id == CHAT
    edited = updates[7].edited_message
    assert edited is not None
    assert edited.text == "Budi Santoso Wibowo"

    # offset confirms: the same updates are not returned again
    assert await bot.get_updates(offset=ids[-1] + 1, timeout=0) == []
    assert server.pending_updates == []


# ---- long polling and the dispatcher ----------------------------------------------------------


async def test_long_polling_returns_early_when_an_update_arrives(
    server: FakeTelegramServer, bot: Bot
) -> None:
    citizen = server.user(chat_id=CHAT)
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await server.wait_for(lambda: server.calls_to("getUpdates"))
    await asyncio.sleep(0.05)
    assert not poll.done()
    citizen.send_text("halo")
    updates = await asyncio.wait_for(poll, 2)
    assert time.monotonic() - started < 1.5
    assert updates[0].message is not None
    assert updates[0].message.text == "halo"
    # an empty queue waits the whole (short) timeout and answers []
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=1) == []


async def test_second_poller_terminates_the_first(server: FakeTelegramServer, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await server.wait_for(lambda: server.calls_to("getUpdates"))
    second = asyncio.create_task(bot.get_updates(timeout=5))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await asyncio.wait_for(first, 2)
    server.user(chat_id=CHAT).send_text("masih ada?")
    [update] = await asyncio.wait_for(second, 2)
    assert update.message is not None


async def test_dispatcher_polling_echo_end_to_end(server: FakeTelegramServer, bot: Bot) -> None:
    router = Router()

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(f"Anda menulis: {message.text}")

    dp = Dispatcher()
    dp.include_router(router)
    polling = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, polling_timeout=1, close_bot_session=False)
    )
    try:
        siti = server.user(chat_id=CHAT, first_name="Siti")
        budi = server.user(chat_id=CHAT + 1, first_name="Budi")
        siti.send_text("halo")
        budi.send_text("selamat pagi")
        assert (await siti.wait_reply(timeout=3)).text == "Anda menulis: halo"
        assert (await budi.wait_reply(timeout=3)).text == "Anda menulis: selamat pagi"
        siti.send_text("lagi")
        reply = await siti.wait_reply(contains="lagi", timeout=3)
        assert reply.message_id == 4  # user 1, bot 2, user 3, bot 4
        assert reply.raw["from"]["is_bot"] is True
    finally:
        await dp.stop_polling()
        await polling


# ---- files ------------------------------------------------------------------------------------


async def test_send_document_round_trips_bytes(server: FakeTelegramServer, bot: Bot) -> None:
    pdf = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF"
    sent = await bot.send_document(
        CHAT,
        BufferedInputFile(pdf, filename="kartu-keluarga.pdf"),
        caption="KK baru Anda",
    )
    assert sent.document is not None
    assert sent.document.file_name == "kartu-keluarga.pdf"
    assert sent.document.mime_type == "application/pdf"
    assert sent.document.file_size == len(pdf)
    [stored] = server.sent_documents(CHAT)
    assert (stored.data, stored.filename, stored.caption) == (
        pdf,
        "kartu-keluarga.pdf",
        "KK baru Anda",
    )

    downloaded = await bot.download(sent.document)
    assert downloaded is not None
    assert downloaded.read() == pdf

    again = await bot.send_document(CHAT + 1, sent.document.file_id)  # reuse by file_id
    assert again.document is not None
    assert server.sent_documents(CHAT + 1)[0].data == pdf
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_document(CHAT, "no-such-file-id")

    photo = await bot.send_photo(CHAT, BufferedInputFile(_png(40, 30), filename="qr.png"))
    assert photo.photo is not None
    assert (photo.photo[-1].width, photo.photo[-1].height) == (40, 30)
    assert server.sent_photos(CHAT)[0].data == _png(40, 30)


async def test_user_photo_get_file_and_download(server: FakeTelegramServer, bot: Bot) -> None:
    citizen = server.user(chat_id=CHAT)
    image = _png(64, 48)
    citizen.send_photo(image, caption="foto KTP")
    [update] = await bot.get_updates(timeout=0)
    assert update.message is not None
    assert update.message.photo is not None
    assert update.message.caption == "foto KTP"
    largest = update.message.photo[-1]
    assert (largest.width, largest.height) == (64, 48)
    file = await bot.get_file(largest.file_id)
    assert file.file_path is not None
    assert file.file_size == len(image)
    downloaded = await bot.download(largest.file_id)
    assert downloaded is not None
    assert downloaded.read() == image
    assert server.downloads == [file.file_path]
    with pytest.raises(TelegramBadRequest, match="wrong file_id"):
        await bot.get_file("nope")


# ---- faults -----------------------------------------------------------------------------------


async def test_fail_next_429_raises_retry_after(server: FakeTelegramServer, bot: Bot) -> None:
    server.fail_next("sendMessage", status=429, retry_after=3)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(CHAT, "antre")
    assert caught.value.retry_after == 3
    assert server.sent_messages(CHAT) == []  # a failed call has no effect
    await bot.send_message(CHAT, "antre")  # only the next call failed
    assert [c.status for c in server.calls_to("sendMessage")] == [429, 200]


async def test_fail_next_5xx_disconnect_and_latency(server: FakeTelegramServer, bot: Bot) -> None:
    server.fail_next("sendMessage", status=502, times=2)
    for _ in range(2):
        with pytest.raises(TelegramServerError, match="Bad Gateway"):
            await bot.send_message(CHAT, "x")
    server.fail_next("*", disconnect=True)
    with pytest.raises(TelegramNetworkError):
        await bot.get_me()
    assert server.calls[-1].status == 0

    server.user(chat_id=CHAT).block()
    with pytest.raises(TelegramForbiddenError, match="blocked"):
        await bot.send_message(CHAT, "x")
    server.unblock(CHAT)

    server.latency = (0.05, 0.06)
    started = time.monotonic()
    await bot.send_message(CHAT, "lambat")
    assert time.monotonic() - started >= 0.05
    started = time.monotonic()
    await bot.get_me()  # latency applies to sendMessage only
    assert time.monotonic() - started < 0.05


# ---- webhook ----------------------------------------------------------------------------------


async def test_webhook_delivery_posts_with_secret(server: FakeTelegramServer, bot: Bot) -> None:
    async with _WebhookReceiver(statuses=[500]) as receiver:
        assert await bot.set_webhook(receiver.url, secret_token="rahasia-123")
        assert server.queue_mode == "webhook"
        with pytest.raises(TelegramConflictError, match="webhook is active"):
            await bot.get_updates(timeout=0)
        pushed = server.user(chat_id=CHAT).send_text("via webhook")
        # the first POST gets a 500, the fake redelivers like Telegram
        await server.wait_for(lambda: len(server.webhook_deliveries) >= 2, timeout=3)
        first, second = server.webhook_deliveries[:2]
        assert (first.status, second.status) == (500, 200)
        assert second.attempt == 2
        assert receiver.received == [(pushed, "rahasia-123")] * 2
        info = await bot.get_webhook_info()
        assert info.url == receiver.url
        assert info.pending_update_count == 0
        assert info.last_error_message is not None
        assert "500" in info.last_error_message

        direct = await server.deliver_via_webhook({"message": pushed["message"]}, secret="lain")
        assert direct.ok
        assert receiver.received[-1][1] == "lain"
        assert receiver.received[-1][0]["update_id"] > pushed["update_id"]

        assert await bot.delete_webhook()
        assert server.webhook_url is None  # queue_mode is "polling" again


async def test_webhook_reply_method_is_executed(server: FakeTelegramServer, bot: Bot) -> None:
    """aiogram's webhook handler may answer with a method in the response body."""
    dp = Dispatcher()

    @dp.message()
    async def greet(message: Message) -> Any:
        return message.answer("Selamat datang di Disdukcapil")

    app = web.Application()
    SimpleRequestHandler(dp, bot, secret_token="s3cret", handle_in_background=False).register(
        app, path="/tg"
    )
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        server.set_webhook(f"http://127.0.0.1:{runner.addresses[0][1]}/tg", "s3cret")
        citizen = server.user(chat_id=CHAT)
        citizen.send_text("halo")
        reply = await citizen.wait_reply(timeout=3)
        assert reply.text == "Selamat datang di Disdukcapil"
        assert server.calls[-1].via_webhook_reply
        assert server.webhook_deliveries[-1].reply_method == "sendMessage"

        wrong = await server.deliver_via_webhook({"message": reply.raw}, secret="salah")
        assert wrong.status == 401
    finally:
        await runner.cleanup()


# ---- commands and forum topics ----------------------------------------------------------------


async def test_commands_per_scope_and_language(server: FakeTelegramServer, bot: Bot) -> None:
    scope = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands(
        [BotCommand(command="start", description="Mulai")], language_code="id"
    )
    await bot.set_my_commands(
        [BotCommand(command="batal", description="Batalkan")], scope=scope, language_code="id"
    )
    assert [c.command for c in await bot.get_my_commands(language_code="id")] == ["start"]
    assert server.commands(scope={"type": "all_private_chats"}, language_code="id") == [
        {"command": "batal", "description": "Batalkan"}
    ]
    assert await bot.get_my_commands() == []
    assert await bot.delete_my_commands(language_code="id")
    assert server.commands(language_code="id") == []
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad Command", description="x")])


async def test_forum_topics(server: FakeTelegramServer, bot: Bot) -> None:
    staff_group = -1001234567890
    staff = server.user(chat_id=staff_group, first_name="Petugas", user_id=77, chat_title="Staf")
    topic = await bot.create_forum_topic(staff_group, "Siti · KK")
    assert topic.name == "Siti · KK"
    sent = await bot.send_message(
        staff_group, "Warga butuh bantuan", message_thread_id=topic.message_thread_id
    )
    assert sent.message_thread_id == topic.message_thread_id
    assert sent.is_topic_message
    staff.send_text("Baik, saya bantu", message_thread_id=topic.message_thread_id)
    [update] = await bot.get_updates(timeout=0)
    assert update.message is not None
    assert update.message.message_thread_id == topic.message_thread_id
    assert update.message.from_user is not None
    assert update.message.from_user.id == 77

    assert await bot.edit_forum_topic(staff_group, topic.message_thread_id, name="Siti · selesai")
    assert await bot.close_forum_topic(staff_group, topic.message_thread_id)
    with pytest.raises(TelegramBadRequest, match="TOPIC_CLOSED"):
        await bot.send_message(staff_group, "x", message_thread_id=topic.message_thread_id)
    with pytest.raises(TelegramBadRequest, match="TOPIC_NOT_MODIFIED"):
        await bot.close_forum_topic(staff_group, topic.message_thread_id)
    assert await bot.reopen_forum_topic(staff_group, topic.message_thread_id)
    info = server.topics(staff_group)[topic.message_thread_id]
    assert (info.name, info.closed) == ("Siti · selesai", False)
    with pytest.raises(TelegramBadRequest, match="thread not found"):
        await bot.send_message(staff_group, "x", message_thread_id=999)


# ---- thread mode: the bot as another process ---------------------------------------------------

_ECHO_BOT = textwrap.dedent(
    """
    import json, os, urllib.parse, urllib.request
    base = os.environ["TELEGRAM_API_BASE"] + "/bot" + os.environ["TELEGRAM_BOT_TOKEN"]
    def call(method, **params):
        data = urllib.parse.urlencode(params).encode()
        with urllib.request.urlopen(base + "/" + method, data=data, timeout=10) as response:
            return json.loads(response.read())["result"]
    offset = 0
    while True:
        for update in call("getUpdates", offset=offset, timeout=5):
            offset = update["update_id"] + 1
            text = update["message"]["text"]
            call("sendMessage", chat_id=update["message"]["chat"]["id"], text=text.upper())
            if text == "selesai":
                call("getUpdates", offset=offset, timeout=0)
                raise SystemExit(0)
    """
)


def test_thread_mode_with_a_bot_subprocess() -> None:
    with FakeTelegramServer() as server:
        process = subprocess.Popen(
            [sys.executable, "-c", _ECHO_BOT], env={**server.env(), "PATH": ""}
        )
        try:
            citizen = server.user(chat_id=CHAT)
            citizen.send_text("halo")
            assert citizen.wait_reply_sync(timeout=10).text == "HALO"
            citizen.send_text("selesai")
            assert server.wait_for_message_sync(CHAT, contains="SELESAI", timeout=5)
            assert process.wait(timeout=5) == 0
            assert server.wait_for_call_sync("getUpdates", count=3).status == 200
            assert server.pending_updates == []
        finally:
            process.kill()
            process.wait()


def test_update_model_validates_every_fake_update() -> None:
    """Every update the fake makes parses as aiogram's Update (no server needed)."""
    server = FakeTelegramServer()
    citizen = server.user(chat_id=CHAT)
    updates = [
        citizen.send_text("a"),
        citizen.send_photo(_png()),
        citizen.send_document(b"x", "a.txt", "text/plain"),
        citizen.send_sticker(),
        citizen.send_voice(),
        citizen.send_location(1.0, 2.0),
        citizen.send_contact("+62811"),
        citizen.block(),
        citizen.unblock(),
    ]
    for raw in updates:
        Update.model_validate(raw)
