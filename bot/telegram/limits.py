"""Pacing of outgoing messages within the limits Telegram documents for bots: about 30 messages
a second in all, and about one a second in one chat. A conversation's replies may burst (a
citizen answers, the bot replies at once); bulk sends (reminders) use a pacer with no burst."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Final

MAX_TRACKED_CHATS: Final = 50_000


@dataclass
class TokenBucket:
    """``rate`` tokens a second, at most ``burst`` saved up."""

    rate: float
    burst: float
    tokens: float = field(init=False)
    stamp: float = field(init=False)

    def __post_init__(self) -> None:
        self.tokens = self.burst
        self.stamp = time.monotonic()

    def delay(self) -> float:
        """Take one token; how long to wait before using it (0 when one was there)."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate


class Pacer:
    """Waits as needed so that sends stay within the per-chat and overall limits."""

    def __init__(
        self,
        *,
        per_chat_rate: float = 1.0,
        per_chat_burst: float = 20.0,
        global_rate: float = 30.0,
        global_burst: float = 30.0,
    ) -> None:
        self._per_chat_rate = per_chat_rate
        self._per_chat_burst = per_chat_burst
        self._global = TokenBucket(global_rate, global_burst)
        self._chats: OrderedDict[int | str, TokenBucket] = OrderedDict()

    async def wait(self, chat_id: int | str) -> None:
        """Wait for a slot to send one message to ``chat_id``."""
        bucket = self._chats.get(chat_id)
        if bucket is None:
            bucket = TokenBucket(self._per_chat_rate, self._per_chat_burst)
            self._chats[chat_id] = bucket
            if len(self._chats) > MAX_TRACKED_CHATS:
                self._chats.popitem(last=False)
        else:
            self._chats.move_to_end(chat_id)
        delay = max(bucket.delay(), self._global.delay())
        if delay > 0:
            await asyncio.sleep(delay)


def bulk_pacer(global_rate: float = 30.0) -> Pacer:
    """For bulk sends: one message a second per chat, ``global_rate`` in all, no bursts."""
    return Pacer(per_chat_rate=1.0, per_chat_burst=1.0, global_rate=global_rate, global_burst=1.0)
