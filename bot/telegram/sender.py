"""Sending to Telegram with retries: waits ``retry_after`` on 429, backs off on 5xx, network
errors and answers that are not JSON, and gives up (logging, never raising to the citizen's
handler) after a few attempts."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Final, TypeVar

from aiogram.exceptions import (
    ClientDecodeError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from bot.telegram.limits import Pacer

log = logging.getLogger(__name__)

T = TypeVar("T")

MAX_ATTEMPTS: Final = 6
MAX_RETRY_AFTER: Final = 60.0


class Sender:
    """Runs Bot API calls with pacing and retries."""

    def __init__(self, pacer: Pacer, *, base_delay: float = 0.5, max_delay: float = 8.0) -> None:
        self._pacer = pacer
        self._base = base_delay
        self._max = max_delay

    async def call(
        self, chat_id: int | str, make: Callable[[], Awaitable[T]], *, what: str, paced: bool = True
    ) -> T | None:
        """Run ``make()`` until it succeeds; ``None`` when it finally could not be done."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            if paced:
                await self._pacer.wait(chat_id)
            try:
                return await make()
            except TelegramRetryAfter as exc:
                wait = min(float(exc.retry_after), MAX_RETRY_AFTER)
                log.warning("%s: Telegram asks to wait %.0f s (attempt %d)", what, wait, attempt)
                await asyncio.sleep(wait)
            except (TelegramServerError, TelegramNetworkError, ClientDecodeError) as exc:
                # ClientDecodeError: an answer that is not the Bot API's JSON (a proxy's 502 page)
                wait = min(self._max, self._base * 2 ** (attempt - 1)) * random.uniform(0.8, 1.2)  # noqa: S311 - jitter
                log.warning("%s failed (%s), retry in %.1f s", what, type(exc).__name__, wait)
                await asyncio.sleep(wait)
            except TelegramForbiddenError:
                log.info("%s: the citizen blocked the bot; not sent", what)
                return None
            except TelegramBadRequest as exc:
                if "message is not modified" in str(exc):
                    return None
                if "query is too old" in str(exc):  # a tap from before a restart: still applied
                    log.info("%s: %s", what, exc.message)
                    return None
                log.error("%s rejected by Telegram: %s", what, exc.message)
                return None
        log.error("%s: giving up after %d attempts", what, MAX_ATTEMPTS)
        return None
