"""The staff group: one forum topic per ticket. Only messages in the configured staff chat (and,
when ``STAFF_IDS`` is set, only from those people) act on tickets; anyone else gets nothing."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.dialog import ChatKey, DialogService, HandoffEnded
from bot.handoff import HandoffService
from bot.telegram.filters import OnLoop
from bot.telegram.gateway import CHANNEL, Gateway
from bot.telegram.sender import Sender

log = logging.getLogger(__name__)

CLOSE_COMMANDS = ("/selesai", "/tutup", "/close")


class TelegramStaffChannel:
    """Forum topics in the staff group (``STAFF_CHAT_ID``)."""

    def __init__(self, bot: Bot, sender: Sender, chat_id: int) -> None:
        self._bot = bot
        self._sender = sender
        self._chat_id = chat_id

    async def open_topic(self, title: str, context: str, ticket_id: int) -> int:
        """Create the ticket's topic and post its context with a close button."""
        topic = await self._bot.create_forum_topic(chat_id=self._chat_id, name=title)
        thread = topic.message_thread_id
        markup = InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(
                        text="✅ Tutup tiket", callback_data=f"hand:staffclose:{ticket_id}"
                    )
                ]
            ]
        )
        await self._sender.call(
            self._chat_id,
            lambda: self._bot.send_message(
                chat_id=self._chat_id, message_thread_id=thread, text=context, reply_markup=markup
            ),
            what="ticket context",
        )
        return thread

    async def post(self, topic_id: int, text: str) -> None:
        """Post into a ticket's topic."""
        await self._sender.call(
            self._chat_id,
            lambda: self._bot.send_message(
                chat_id=self._chat_id, message_thread_id=topic_id, text=text
            ),
            what="ticket message",
        )

    async def delete_topic(self, topic_id: int) -> None:
        """Delete a ticket's topic and its messages (a topic already gone is logged, not
        retried: Telegram answers 400)."""
        await self._sender.call(
            self._chat_id,
            lambda: self._bot.delete_forum_topic(chat_id=self._chat_id, message_thread_id=topic_id),
            what="deleteForumTopic",
        )


def build_staff_router(
    *,
    staff_chat_id: int,
    staff_ids: frozenset[int],
    handoff: HandoffService,
    dialog: DialogService,
    gateway: Gateway,
) -> Router:
    """Handlers for the staff group only."""
    router = Router(name="staff")
    router.message.filter(OnLoop(F.chat.id == staff_chat_id))
    router.callback_query.filter(OnLoop(F.message.chat.id == staff_chat_id))

    def allowed(user_id: int | None) -> bool:
        return user_id is not None and (not staff_ids or user_id in staff_ids)

    async def close(bot: Bot, ticket: dict[str, Any], staff_name: str) -> None:
        await gateway.run(handoff.close_by_staff, ticket, staff_name)
        channel, _, chat_id = str(ticket["chat_ref"]).partition(":")
        replies = await gateway.run(dialog.handle, ChatKey(channel, chat_id), HandoffEnded())
        if channel == CHANNEL:
            await gateway.send(bot, int(chat_id), replies)
        if ticket.get("topic_id"):
            await gateway.send_text(
                bot,
                staff_chat_id,
                f"Tiket #{ticket['id']} ditutup oleh {staff_name}.",
                thread=int(ticket["topic_id"]),
            )

    @router.message(OnLoop(F.message_thread_id))
    async def in_topic(message: Message, bot: Bot) -> None:
        user = message.from_user
        if user is None or user.is_bot or not allowed(user.id):
            return
        ticket = await gateway.run(handoff.ticket_of_topic, message.message_thread_id or 0)
        if ticket is None:
            return
        text = (message.text or message.caption or "").strip()
        if not text:
            return
        if text.split("@")[0].lower() in CLOSE_COMMANDS:
            await close(bot, ticket, user.full_name)
            return
        await handoff.from_staff(ticket, text, user.full_name)

    @router.callback_query(OnLoop(F.data.startswith("hand:staffclose:")))
    async def close_button(query: CallbackQuery, bot: Bot) -> None:
        await gateway.answer(bot, query)
        if not allowed(query.from_user.id):
            return
        message = query.message
        topic = message.message_thread_id if isinstance(message, Message) else None
        ticket = await gateway.run(handoff.ticket_of_topic, topic or 0)
        if ticket is not None:
            await close(bot, ticket, query.from_user.full_name)

    @router.message()
    async def elsewhere(message: Message) -> None:
        """Other messages in the staff group are staff talking among themselves: ignored."""
        del message

    return router
