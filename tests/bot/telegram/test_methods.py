"""The hot-path Bot API calls (bot/telegram/methods.py) against the fake Bot API over HTTP: the
body is the one aiogram would send for the same call, the answer is read, and errors raise
aiogram's own exceptions (so the sender's retries work as for any call)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import EditMessageReplyMarkup, EditMessageText, SendMessage, TelegramMethod
from aiogram.types import InlineKeyboardMarkup

from bot.telegram.methods import (
    Sent,
    answer_callback,
    drop_keyboard,
    edit_reply_text,
    send_reply,
)
from bot.telegram.render import keyboard
from bot.telegram.session import JsonSession
from flows.protocol import Button, Reply
from tests.fakes.telegram_api import FakeTelegramServer

KEYS = {"inline_keyboard": [[{"text": "Laki-laki", "callback_data": "2:c:0"}]]}
MARKUP = InlineKeyboardMarkup.model_validate(KEYS)


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer() as fake:
        yield fake


@pytest.fixture
async def bot(server: FakeTelegramServer) -> AsyncIterator[Bot]:
    real = Bot(
        server.token,
        session=JsonSession(api=server.api_server()),
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )
    yield real
    await real.session.close()


def _as_aiogram_sends(bot: Bot, method: TelegramMethod[Any]) -> dict[str, Any]:
    """The body aiogram itself would post for ``method`` (through the same JSON session), less
    ``disable_web_page_preview``: aiogram still adds that deprecated twin of
    ``link_preview_options`` (Bot API 7.0), which the bot leaves out."""
    session = bot.session
    assert isinstance(session, JsonSession)
    payload = session.json_payload(bot, method)
    assert payload is not None
    payload.pop("disable_web_page_preview", None)
    return payload


def _last_keyboard(server: FakeTelegramServer) -> list[list[str]]:
    """The button labels of the chat's latest message, as the citizen sees them."""
    message = server.user(1001).last_message()
    assert message is not None
    return [[button["text"] for button in row] for row in message.buttons]


async def test_send_reply_posts_what_aiogram_would_and_reads_the_message_id(
    server: FakeTelegramServer, bot: Bot
) -> None:
    citizen = server.user(1001, "Budi")
    sent = await send_reply(
        bot, chat_id=citizen.chat_id, text="<b>Jenis kelamin</b>", reply_markup=KEYS
    )
    call = server.calls_to("sendMessage")[-1]
    expected = _as_aiogram_sends(
        bot, SendMessage(chat_id=citizen.chat_id, text="<b>Jenis kelamin</b>", reply_markup=MARKUP)
    )
    assert call.params == expected
    assert expected["parse_mode"] == "HTML"
    assert expected["link_preview_options"] == {"is_disabled": True}
    assert call.status == 200
    assert isinstance(sent, Sent)
    assert sent.message_id == call.result["message_id"]
    assert _last_keyboard(server) == [["Laki-laki"]]


async def test_edit_and_drop_keyboard_post_what_aiogram_would(
    server: FakeTelegramServer, bot: Bot
) -> None:
    citizen = server.user(1001, "Budi")
    first = await send_reply(bot, chat_id=citizen.chat_id, text="Pilih", reply_markup=KEYS)
    edited = await edit_reply_text(
        bot, chat_id=citizen.chat_id, message_id=first.message_id, text="Pilih ✓", reply_markup=KEYS
    )
    assert edited.message_id == first.message_id
    assert server.calls_to("editMessageText")[-1].params == _as_aiogram_sends(
        bot,
        EditMessageText(
            chat_id=citizen.chat_id,
            message_id=first.message_id,
            text="Pilih ✓",
            reply_markup=MARKUP,
        ),
    )
    dropped = await drop_keyboard(bot, chat_id=citizen.chat_id, message_id=first.message_id)
    assert dropped.message_id == first.message_id
    assert server.calls_to("editMessageReplyMarkup")[-1].params == _as_aiogram_sends(
        bot, EditMessageReplyMarkup(chat_id=citizen.chat_id, message_id=first.message_id)
    )
    assert _last_keyboard(server) == []


async def test_a_rendered_keyboard_is_what_telegram_takes(
    server: FakeTelegramServer, bot: Bot
) -> None:
    citizen = server.user(1001, "Budi")
    reply = Reply("Jenis kelamin", ((Button("Laki-laki", "2:c:0"), Button("Perempuan", "2:c:1")),))
    await send_reply(
        bot, chat_id=citizen.chat_id, text=reply.text, reply_markup=keyboard(reply, lang="id")
    )
    assert _last_keyboard(server) == [["Laki-laki", "Perempuan"]]


async def test_answering_a_tapped_button(server: FakeTelegramServer, bot: Bot) -> None:
    citizen = server.user(1001, "Budi")
    await send_reply(bot, chat_id=citizen.chat_id, text="Pilih", reply_markup=KEYS)
    update = citizen.tap_button("Laki-laki")
    query_id = update["callback_query"]["id"]
    assert await answer_callback(bot, query_id) is True
    assert server.calls_to("answerCallbackQuery")[-1].params == {"callback_query_id": query_id}
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await answer_callback(bot, query_id)  # answered already


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ({"status": 429, "retry_after": 3}, TelegramRetryAfter),
        ({"status": 500}, TelegramServerError),
        ({"status": 403}, TelegramForbiddenError),
        ({"status": 502, "body": "<html>Bad Gateway</html>"}, ClientDecodeError),
        ({"disconnect": True}, TelegramNetworkError),
    ],
)
async def test_errors_raise_aiograms_exceptions(
    server: FakeTelegramServer, bot: Bot, fault: dict[str, Any], error: type[Exception]
) -> None:
    citizen = server.user(1001, "Budi")
    server.fail_next("sendMessage", **fault)
    with pytest.raises(error) as raised:
        await send_reply(bot, chat_id=citizen.chat_id, text="Halo", reply_markup=KEYS)
    if isinstance(raised.value, TelegramRetryAfter):
        assert raised.value.retry_after == 3
        assert isinstance(raised.value.method, SendMessage)
        assert raised.value.method.text == "Halo"
    assert citizen.messages() == []
    # The next call goes through.
    sent = await send_reply(bot, chat_id=citizen.chat_id, text="Halo", reply_markup=KEYS)
    assert sent.message_id > 0


async def test_a_bot_without_the_json_session_is_refused(server: FakeTelegramServer) -> None:
    plain = Bot(server.token)
    try:
        with pytest.raises(TypeError, match="JsonSession"):
            await send_reply(plain, chat_id=1, text="Halo")
    finally:
        await plain.session.close()
