"""Between aiogram and the dialog service: turns Telegram input into dialog input, applies it (one
update of a chat at a time), and sends the replies. Handlers stay thin and call this."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any, Final, TypeVar

from aiogram import Bot
from aiogram.types import CallbackQuery, Message

from bot.dialog import ChatKey, DialogService, FullStepNeeded, Incoming
from bot.telegram.methods import (
    Sent,
    answer_callback,
    drop_keyboard,
    edit_reply_text,
    send_reply,
)
from bot.telegram.render import PAGE_PREFIX, keyboard, reply_seq, seq_of
from bot.telegram.sender import Sender
from flows.protocol import FileIn, Reply, Resume
from flows.text import Lang, parse_lang
from storage.errors import StorageError, WriterBusyError
from storage.files import FileStore

log = logging.getLogger(__name__)

T = TypeVar("T")

CHANNEL: Final = "telegram"
MAX_DOWNLOAD_BYTES: Final = 15 * 1024 * 1024
"""Files above this are not fetched at all (a form accepts a few MB; Telegram allows 20 MB)."""


@dataclass
class _ChatLock:
    lock: asyncio.Lock
    users: int = 0


class Gateway:
    """Applies Telegram input through the dialog service and sends what it answers."""

    def __init__(self, *, dialog: DialogService, files: FileStore, sender: Sender) -> None:
        self._dialog = dialog
        self._files = files
        self._sender = sender
        self._locks: dict[int, _ChatLock] = {}
        # The dialog service is synchronous (it holds a database transaction): it runs on threads
        # of its own, as many as are worth running at once (see DialogService.parallelism).
        self._threads = ThreadPoolExecutor(
            max_workers=dialog.parallelism, thread_name_prefix="dialog"
        )

    async def run(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run blocking work of the dialog side (database, files) off the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads, partial(fn, *args, **kwargs))

    def close(self) -> None:
        """Stop the dialog threads (after the dispatcher has stopped)."""
        self._threads.shutdown(wait=True)

    async def handle(
        self,
        chat: ChatKey,
        incoming: Incoming,
        *,
        update_id: int | None = None,
        lang_hint: str | None = None,
    ) -> list[Reply]:
        """One dialog step, right here on the event loop where that is possible, else on a
        dialog thread. PostgreSQL: always on the loop, its round trips awaited; a step that
        needs only the conversation row (most do) on asyncpg directly, any other through
        SQLAlchemy (``DialogService.loop_steps``). SQLite: a step runs here when the database's
        write lock is free at once (``DialogService.on_loop``), else on a thread."""
        if self._dialog.loop_steps:
            try:
                return await self._dialog.handle_async(chat, incoming, update_id=update_id)
            except FullStepNeeded:  # nothing was written: the whole step, on the loop too
                return await self._dialog.handle_on_loop(
                    chat, incoming, update_id=update_id, lang_hint=lang_hint
                )
        if self._dialog.on_loop:
            try:
                return self._dialog.handle(
                    chat, incoming, update_id=update_id, lang_hint=lang_hint, wait=False
                )
            except WriterBusyError:
                pass  # another writer has it: wait for it on a thread, not on the loop
        return await self.run(
            self._dialog.handle, chat, incoming, update_id=update_id, lang_hint=lang_hint
        )

    @asynccontextmanager
    async def serialised(self, chat_id: int) -> AsyncIterator[None]:
        """Updates of one chat one at a time, in arrival order, within this process (across
        processes the conversation row lock does it)."""
        entry = self._locks.setdefault(chat_id, _ChatLock(asyncio.Lock()))
        entry.users += 1
        try:
            async with entry.lock:
                yield
        finally:
            entry.users -= 1
            if entry.users == 0:
                self._locks.pop(chat_id, None)

    async def apply(
        self,
        bot: Bot,
        *,
        chat_id: int,
        incoming: Incoming,
        update_id: int | None,
        lang_hint: str | None,
        callback: CallbackQuery | None = None,
    ) -> None:
        """Apply one input and send the replies (editing the tapped message where that reads
        better). Storage failures propagate (a webhook answers 5xx so Telegram redelivers);
        anything else gets the citizen an apology and the current question again."""
        chat = ChatKey(CHANNEL, str(chat_id))
        lang = parse_lang(lang_hint)
        try:
            replies = await self.handle(chat, incoming, update_id=update_id, lang_hint=lang_hint)
        except StorageError:
            raise
        except Exception:
            log.exception("update %s of a telegram chat failed", update_id)
            replies = [self._dialog.apology(lang)]
            try:
                replies += await self.handle(chat, Resume())
            except Exception:  # the apology alone then; the log has the first error
                log.exception("showing the current question after an error failed")
        await self.send(bot, chat_id, replies, callback=callback, lang=lang)

    async def answer(self, bot: Bot, query: CallbackQuery) -> None:
        """Answer a tapped button (its spinner stops). A query Telegram no longer knows (too old,
        after a restart) is logged by the sender and the tap is still applied."""
        await self._sender.call(
            query.from_user.id,
            lambda: answer_callback(bot, query.id),
            what="answerCallbackQuery",
            paced=False,
        )

    async def send(
        self,
        bot: Bot,
        chat_id: int,
        replies: list[Reply],
        *,
        callback: CallbackQuery | None = None,
        lang: Lang = "id",
    ) -> None:
        """Send ``replies`` in order; a tapped question is edited in place or loses its buttons."""
        tapped = callback.message if callback is not None else None
        tapped_seq = seq_of(callback.data or "") if callback is not None else None
        if isinstance(tapped, Message) and replies:
            first = replies[0]
            if first.kind == "question" and tapped_seq and reply_seq(first) == tapped_seq:
                # Same question shown again (an option ticked): edit it where it is.
                await self._sender.call(
                    chat_id,
                    lambda: edit_reply_text(
                        bot,
                        chat_id=chat_id,
                        message_id=tapped.message_id,
                        text=first.text,
                        reply_markup=keyboard(first, lang=lang),
                    ),
                    what="editMessageText",
                )
                replies = replies[1:]
            else:
                await self._sender.call(
                    chat_id,
                    lambda: drop_keyboard(bot, chat_id=chat_id, message_id=tapped.message_id),
                    what="editMessageReplyMarkup",
                    paced=False,
                )
        for reply in replies:
            await self._sender.call(
                chat_id, partial(self._send_one, bot, chat_id, reply, lang), what="sendMessage"
            )

    async def send_text(
        self, bot: Bot, chat_id: int, text: str, *, thread: int | None = None
    ) -> None:
        """One plain message (to a staff topic, for example)."""
        await self._sender.call(
            chat_id,
            lambda: bot.send_message(chat_id=chat_id, text=text, message_thread_id=thread),
            what="sendMessage",
        )

    @staticmethod
    async def _send_one(bot: Bot, chat_id: int, reply: Reply, lang: Lang) -> Sent:
        return await send_reply(
            bot, chat_id=chat_id, text=reply.text, reply_markup=keyboard(reply, lang=lang)
        )

    async def page(self, bot: Bot, callback: CallbackQuery, *, lang_hint: str | None) -> None:
        """Show another page of a long option list, in the same message."""
        message = callback.message
        if not isinstance(message, Message) or callback.data is None:
            return
        _, _, rest = callback.data.partition(PAGE_PREFIX)
        _, _, page = rest.partition(":")  # after the question number
        chat = ChatKey(CHANNEL, str(message.chat.id))
        # The current question again (with fresh options), shown at the asked page in place.
        replies = await self.handle(chat, Resume(), lang_hint=lang_hint)
        question = next((r for r in reversed(replies) if r.buttons), None)
        if question is None:
            return
        lang = parse_lang(lang_hint)
        await self._sender.call(
            message.chat.id,
            lambda: edit_reply_text(
                bot,
                chat_id=message.chat.id,
                message_id=message.message_id,
                text=question.text,
                reply_markup=keyboard(question, lang=lang, page=int(page or 0)),
            ),
            what="editMessageText",
        )

    async def download(self, bot: Bot, file_id: str, *, size: int | None, name: str) -> FileIn:
        """Fetch a photo or document and keep it; its type is judged by its content."""
        if size is not None and size > MAX_DOWNLOAD_BYTES:
            return FileIn(ref="", mime="application/octet-stream", size=size, name=name)
        buffer = await bot.download(file_id)
        if buffer is None:  # pragma: no cover - aiogram returns the buffer when none is given
            raise StorageError("download returned nothing")
        data = buffer.read()
        stored = await self.run(self._files.put, data)
        return FileIn(ref=stored.ref, mime=stored.mime, size=stored.size, name=name)
