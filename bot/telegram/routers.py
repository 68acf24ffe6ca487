"""aiogram routers, one per topic; every handler is a few lines that call the gateway."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Final

from aiogram import BaseMiddleware, Bot, F, Router
from aiogram.types import CallbackQuery, Message, TelegramObject, Update

from bot import texts as X
from bot.dialog import Incoming, parse_text
from bot.telegram.filters import OnLoop
from bot.telegram.gateway import Gateway
from bot.telegram.render import PAGE_PREFIX
from flows.protocol import ContactIn, OtherIn, Reply, Tap
from flows.text import parse_lang
from storage.errors import StorageError

log = logging.getLogger(__name__)


def _update_id(data: dict[str, Any]) -> int | None:
    update = data.get("event_update")
    return update.update_id if isinstance(update, Update) else None


def _lang(message_or_query: Message | CallbackQuery) -> str | None:
    user = message_or_query.from_user
    return user.language_code if user is not None else None


class ChatOrder(BaseMiddleware):
    """Outer middleware: updates of one chat are handled one at a time, in arrival order."""

    def __init__(self, gateway: Gateway) -> None:
        self._gateway = gateway

    async def __call__(
        self,
        handler: Any,
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        """Run the handler while holding the chat's lock."""
        chat_id = _chat_of(event)
        if chat_id is None:
            return await handler(event, data)
        async with self._gateway.serialised(chat_id):
            return await handler(event, data)


STORAGE_RETRY_DELAYS_S: Final = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
"""Long polling: the pauses before an update is tried again while the database is out of reach
(about a minute in all: a database restart or a fail-over), before the citizen is asked to send
it again."""


class UntilStored(BaseMiddleware):
    """Outer middleware for long polling, inside ``ChatOrder``: an update whose step found the
    database out of reach (``StorageError``; nothing was saved) is tried again after growing
    pauses, the chat's later updates waiting their turn. A webhook answers 503 instead and
    Telegram delivers the update again; a poll has moved its offset past it, so nobody else
    would. When the database stays out of reach, the citizen is told that the message was not
    saved and asked to send it again (a log line says so for the operator)."""

    def __init__(self, gateway: Gateway, delays: tuple[float, ...] | None = None) -> None:
        self._gateway = gateway
        self._delays = STORAGE_RETRY_DELAYS_S if delays is None else delays

    async def __call__(
        self,
        handler: Any,
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        """Run the handler until it gets through to the database, or the pauses run out."""
        update_id = event.update_id if isinstance(event, Update) else None
        for delay in (*self._delays, None):
            try:
                return await handler(event, data)
            except StorageError as exc:
                if delay is None:
                    log.exception(
                        "update %s: the database stayed out of reach for %.0f s; the citizen "
                        "is asked to send it again",
                        update_id,
                        sum(self._delays),
                    )
                    break
                log.warning("update %s: %s; trying again in %.1f s", update_id, exc, delay)
                await asyncio.sleep(delay)
        chat_id, bot, part = _chat_of(event), data.get("bot"), _part(event)
        if chat_id is not None and isinstance(bot, Bot) and part is not None:
            lang = parse_lang(_lang(part))
            await self._gateway.send(bot, chat_id, [Reply(text=X.NOT_SAVED.get(lang))])
        return None


def _part(event: TelegramObject) -> Message | CallbackQuery | None:
    """The part of an update the citizen routers handle (a message, an edit, a tap)."""
    if not isinstance(event, Update):
        return None
    return event.message or event.edited_message or event.callback_query


def _chat_of(event: TelegramObject) -> int | None:
    part = _part(event)
    if isinstance(part, CallbackQuery):
        return _query_chat(part)
    return part.chat.id if part is not None else None


def _query_chat(query: CallbackQuery) -> int:
    """The chat of a tapped button (the tapper's private chat when the message is gone)."""
    return query.message.chat.id if isinstance(query.message, Message) else query.from_user.id


def build_routers(gateway: Gateway) -> list[Router]:
    """The routers of the citizen side: buttons, messages, and edited messages."""
    buttons = Router(name="buttons")
    messages = Router(name="messages")
    edits = Router(name="edits")
    # Citizens talk to the bot in private chats; groups (the staff group) have their own router.
    messages.message.filter(OnLoop(F.chat.type == "private"))
    edits.edited_message.filter(OnLoop(F.chat.type == "private"))
    buttons.callback_query.filter(OnLoop(F.message.chat.type == "private"))

    @buttons.callback_query(OnLoop(F.data.startswith(PAGE_PREFIX)))
    async def on_page(query: CallbackQuery, bot: Bot) -> None:
        await gateway.answer(bot, query)
        await gateway.page(bot, query, lang_hint=_lang(query))

    @buttons.callback_query()
    async def on_tap(query: CallbackQuery, bot: Bot, **data: Any) -> None:
        await gateway.answer(bot, query)
        await gateway.apply(
            bot,
            chat_id=_query_chat(query),
            incoming=Tap(query.data or ""),
            update_id=_update_id(data),
            lang_hint=_lang(query),
            callback=query,
        )

    @messages.message(OnLoop(F.text))
    async def on_text(message: Message, bot: Bot, **data: Any) -> None:
        await _apply(gateway, bot, message, parse_text(message.text or ""), data)

    @messages.message(OnLoop(F.photo))
    async def on_photo(message: Message, bot: Bot, **data: Any) -> None:
        photo = max(message.photo or [], key=lambda p: p.width * p.height)
        upload = await gateway.download(
            bot, photo.file_id, size=photo.file_size, name=f"foto-{message.message_id}.jpg"
        )
        await _apply(gateway, bot, message, upload, data)

    @messages.message(OnLoop(F.document))
    async def on_document(message: Message, bot: Bot, **data: Any) -> None:
        doc = message.document
        assert doc is not None  # noqa: S101 - the filter guarantees it
        upload = await gateway.download(
            bot, doc.file_id, size=doc.file_size, name=doc.file_name or "berkas"
        )
        await _apply(gateway, bot, message, upload, data)

    @messages.message(OnLoop(F.contact))
    async def on_contact(message: Message, bot: Bot, **data: Any) -> None:
        contact = message.contact
        assert contact is not None  # noqa: S101 - the filter guarantees it
        await _apply(gateway, bot, message, ContactIn(contact.phone_number), data)

    @messages.message()
    async def on_other(message: Message, bot: Bot, **data: Any) -> None:
        await _apply(gateway, bot, message, OtherIn(str(message.content_type)), data)

    @edits.edited_message()
    async def on_edit(message: Message, bot: Bot) -> None:
        text = X.EDITED_IGNORED.get(parse_lang(_lang(message)))
        await gateway.send(bot, message.chat.id, [Reply(text=text)])

    return [buttons, messages, edits]


async def _apply(
    gateway: Gateway, bot: Bot, message: Message, incoming: Incoming, data: dict[str, Any]
) -> None:
    """Apply what a citizen's message says, in the message's chat."""
    await gateway.apply(
        bot,
        chat_id=message.chat.id,
        incoming=incoming,
        update_id=_update_id(data),
        lang_hint=_lang(message),
    )
