"""Filters that aiogram awaits on the event loop.

aiogram runs every plain callable filter, ``F`` expressions included, through
``asyncio.to_thread``: one thread hop per check of every update, and the GIL handed back and
forth with it (``aiogram/dispatcher/event/handler.py``, ``CallableObject.call``). A ``Filter``
subclass is awaited in place, so the routers wrap their ``F`` expressions in :class:`OnLoop`.
"""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import TelegramObject
from magic_filter import MagicFilter


class OnLoop(Filter):
    """A magic filter (``F.chat.type == "private"``) checked on the event loop, same meaning."""

    __slots__ = ("_magic",)

    def __init__(self, magic: MagicFilter) -> None:
        self._magic = magic

    async def __call__(self, event: TelegramObject) -> Any:
        """The expression's value for ``event`` (aiogram treats a truthy value as a match)."""
        return self._magic.resolve(event)
