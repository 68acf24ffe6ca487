"""Pacing of outgoing messages."""

from __future__ import annotations

import time

from bot.telegram.limits import Pacer, TokenBucket, bulk_pacer


def test_bucket_allows_a_burst_then_paces() -> None:
    bucket = TokenBucket(rate=1.0, burst=3)
    delays = [bucket.delay() for _ in range(5)]
    assert delays[:3] == [0.0, 0.0, 0.0]
    assert 0.9 < delays[3] <= 1.0
    assert 1.9 < delays[4] <= 2.0


async def test_bulk_pacer_sends_one_message_a_second_per_chat() -> None:
    pacer = bulk_pacer(global_rate=1000)
    started = time.monotonic()
    for _ in range(3):
        await pacer.wait(42)
    assert time.monotonic() - started >= 1.9


async def test_global_rate_caps_all_chats_together() -> None:
    pacer = Pacer(per_chat_burst=100, global_rate=20, global_burst=1)
    started = time.monotonic()
    for chat in range(11):
        await pacer.wait(chat)
    assert time.monotonic() - started >= 0.45
