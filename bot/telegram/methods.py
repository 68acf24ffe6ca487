"""Bot API methods whose answer is read only as far as the bot needs it.

aiogram turns every answer into its full type: ``sendMessage`` returns the sent ``Message``,
with the inline keyboard we just sent rebuilt button by button as pydantic objects. The bot
needs none of it (only whether the call worked), so the replies to citizens use these
subclasses: the same methods, the same request, an answer read as ``Sent`` (``message_id``
only). In bench/telegram.py this was the largest single cost of the event loop after the
HTTP round trip itself.
"""

from __future__ import annotations

from typing import Any, cast

from aiogram import Bot
from aiogram.methods import EditMessageReplyMarkup, EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup
from pydantic import BaseModel, ConfigDict


class Sent(BaseModel):
    """What the bot keeps of a message Telegram sent or edited."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    message_id: int
    """The message's id in its chat."""


class SendReply(SendMessage):
    """``sendMessage``, answer read as :class:`Sent`."""

    __returning__ = Sent  # type: ignore[assignment]  # a narrower answer on purpose


class EditReplyText(EditMessageText):
    """``editMessageText``, answer read as :class:`Sent` (or ``True`` for inline messages)."""

    __returning__ = Sent | bool


class DropKeyboard(EditMessageReplyMarkup):
    """``editMessageReplyMarkup`` (to remove a keyboard), answer read as :class:`Sent`."""

    __returning__ = Sent | bool


LIGHT_METHODS = (SendReply, EditReplyText, DropKeyboard)
"""The methods above, for keeping their ``Response[...]`` classes alive (see setup.py)."""


# aiogram types its method classes' constructors for mypy only in the classes themselves, so the
# subclasses are built through these functions, which also give the answer its real type.


async def send_reply(
    bot: Bot,
    *,
    chat_id: int | str,
    text: str,
    reply_markup: InlineKeyboardMarkup | None = None,
    message_thread_id: int | None = None,
) -> Sent:
    """Send a message (the bot's defaults apply: HTML, no link previews)."""
    fields: dict[str, Any] = {"chat_id": chat_id, "text": text, "reply_markup": reply_markup}
    if message_thread_id is not None:
        fields["message_thread_id"] = message_thread_id
    return cast(Sent, await bot(SendReply(**fields)))


async def edit_reply_text(
    bot: Bot,
    *,
    chat_id: int | str,
    message_id: int,
    text: str,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> Sent | bool:
    """Replace a message's text and keyboard."""
    fields: dict[str, Any] = {
        "chat_id": chat_id,
        "message_id": message_id,
        "text": text,
        "reply_markup": reply_markup,
    }
    return cast(Sent | bool, await bot(EditReplyText(**fields)))


async def drop_keyboard(bot: Bot, *, chat_id: int | str, message_id: int) -> Sent | bool:
    """Remove a message's inline keyboard."""
    fields: dict[str, Any] = {"chat_id": chat_id, "message_id": message_id}
    return cast(Sent | bool, await bot(DropKeyboard(**fields)))
