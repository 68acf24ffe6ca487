"""Notices (reminders, day closures) to Telegram chats, paced for bulk sending."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BufferedInputFile

from bot.notify import NotifyError
from bot.telegram.methods import send_reply
from bot.telegram.render import keyboard
from bot.telegram.sender import Sender
from flows.protocol import Reply


class TelegramNotifier:
    """Sends a notice to ``telegram:<chat id>``; one message a second per chat, 30/s in all."""

    def __init__(self, bot: Bot, sender: Sender) -> None:
        self._bot = bot
        self._sender = sender

    async def notify(self, chat_ref: str, reply: Reply) -> None:
        """Send, retrying per the sender's policy; a failure leaves the job to the worker."""
        chat_id = _chat_id(chat_ref)
        sent = await self._sender.call(
            chat_id,
            lambda: send_reply(
                self._bot, chat_id=chat_id, text=reply.text, reply_markup=keyboard(reply, lang="id")
            ),
            what="notice",
        )
        if sent is None:
            raise NotifyError("notice not delivered")

    async def send_document(
        self, chat_ref: str, *, filename: str, data: bytes, caption: str
    ) -> None:
        """Send the PDF with its caption (PIN and print link)."""
        chat_id = _chat_id(chat_ref)
        sent = await self._sender.call(
            chat_id,
            lambda: self._bot.send_document(
                chat_id=chat_id, document=BufferedInputFile(data, filename), caption=caption
            ),
            what="sendDocument",
        )
        if sent is None:
            raise NotifyError("document not delivered")


def _chat_id(chat_ref: str) -> int:
    """The Telegram chat id of ``telegram:<chat id>``."""
    return int(chat_ref.split(":", 1)[1])
