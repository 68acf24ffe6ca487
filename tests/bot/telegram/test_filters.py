"""Every filter of the bot's routers is awaited on the event loop: aiogram runs plain callables
(``F`` expressions included) through ``asyncio.to_thread``, a thread hop per check."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiogram import F, Router
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.types import Chat, Message, User

from bot.telegram.filters import OnLoop
from bot.telegram.routers import build_routers
from bot.telegram.staff import build_staff_router


def _filters(router: Router) -> list[FilterObject]:
    found: list[FilterObject] = []
    for observer in router.observers.values():
        found += observer._handler.filters or []
        for handler in observer.handlers:
            found += handler.filters or []
    return found


def test_no_filter_of_the_bot_runs_on_a_thread() -> None:
    gateway: Any = object()
    routers = [
        *build_routers(gateway),
        build_staff_router(
            staff_chat_id=-100,
            staff_ids=frozenset(),
            handoff=gateway,
            dialog=gateway,
            gateway=gateway,
        ),
    ]
    filters = [f for router in routers for f in _filters(router)]
    assert len(filters) >= 10
    assert all(f.awaitable for f in filters), [f.callback for f in filters if not f.awaitable]


def _message(chat_type: str, text: str | None) -> Message:
    return Message(
        message_id=1,
        date=datetime(2026, 12, 3, tzinfo=UTC),
        chat=Chat(id=7, type=chat_type),
        from_user=User(id=7, is_bot=False, first_name="Budi"),
        text=text,
    )


async def test_on_loop_means_what_the_expression_means() -> None:
    private = OnLoop(F.chat.type == "private")
    has_text = OnLoop(F.text)
    assert await private(_message("private", "halo"))
    assert not await private(_message("supergroup", "halo"))
    assert await has_text(_message("private", "halo")) == "halo"
    assert not await has_text(_message("private", None))
