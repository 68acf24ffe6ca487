"""The Bot API calls of every update (the reply, the edited or unbuttoned question, the answer to a
tapped button), sent and read as plain JSON.

aiogram builds each call as a pydantic method object (the keyboard as button objects), dumps it
back to a dict to send it, and validates the answer into a full type: ``sendMessage`` returns the
sent ``Message`` with the keyboard just sent rebuilt button by button. The bot needs only whether
the call worked. These four calls are made for nearly every update and the event loop is what
limits the bot (docs/NOTES.md), so they build the JSON body directly from the reply and read the
answer as JSON (``JsonSession.post``). Errors still go through aiogram's check, so the sender
sees aiogram's exceptions (``TelegramRetryAfter``, ``TelegramServerError``...) as for any call.
The payloads are the ones aiogram would send for the same call (tests/bot/telegram/
test_methods.py compares them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    SendMessage,
)

from bot.telegram.session import JsonSession

Keyboard = dict[str, Any]
"""An inline keyboard as the Bot API takes it: ``{"inline_keyboard": [[{"text", ...}]]}``."""


@dataclass(frozen=True, slots=True)
class Sent:
    """What the bot keeps of a message Telegram sent or edited."""

    message_id: int
    """The message's id in its chat (0 for an edited inline message, which has none)."""


def _session(bot: Bot) -> JsonSession:
    session = bot.session
    if not isinstance(session, JsonSession):
        raise TypeError("the bot must use bot.telegram.session.JsonSession")
    return session


def _sent(result: Any) -> Sent:
    """A sent or edited message's id (editing an inline message answers ``true``)."""
    if isinstance(result, dict) and isinstance(result.get("message_id"), int):
        return Sent(result["message_id"])
    return Sent(0)


async def send_reply(
    bot: Bot,
    *,
    chat_id: int | str,
    text: str,
    reply_markup: Keyboard | None = None,
    message_thread_id: int | None = None,
) -> Sent:
    """Send a message (the bot's defaults apply: HTML, no link previews)."""
    session = _session(bot)
    payload: dict[str, Any] = {"chat_id": chat_id, "text": text, **session.text_defaults(bot)}
    if message_thread_id is not None:
        payload["message_thread_id"] = message_thread_id
    if reply_markup is not None:
        payload["reply_markup"] = reply_markup
    result = await session.post(
        bot, "sendMessage", payload, lambda: SendMessage.model_validate(payload)
    )
    return _sent(result)


async def edit_reply_text(
    bot: Bot,
    *,
    chat_id: int | str,
    message_id: int,
    text: str,
    reply_markup: Keyboard | None = None,
) -> Sent:
    """Replace a message's text and keyboard."""
    session = _session(bot)
    payload: dict[str, Any] = {
        "chat_id": chat_id,
        "message_id": message_id,
        "text": text,
        **session.text_defaults(bot),
    }
    if reply_markup is not None:
        payload["reply_markup"] = reply_markup
    result = await session.post(
        bot, "editMessageText", payload, lambda: EditMessageText.model_validate(payload)
    )
    return _sent(result)


async def drop_keyboard(bot: Bot, *, chat_id: int | str, message_id: int) -> Sent:
    """Remove a message's inline keyboard."""
    payload: dict[str, Any] = {"chat_id": chat_id, "message_id": message_id}
    result = await _session(bot).post(
        bot,
        "editMessageReplyMarkup",
        payload,
        lambda: EditMessageReplyMarkup.model_validate(payload),
    )
    return _sent(result)


async def answer_callback(bot: Bot, query_id: str) -> bool:
    """Answer a tapped button (Telegram shows a spinner on it until then)."""
    payload: dict[str, Any] = {"callback_query_id": query_id}
    result = await _session(bot).post(
        bot,
        "answerCallbackQuery",
        payload,
        lambda: AnswerCallbackQuery.model_validate(payload),
    )
    return result is True
