"""Run a coroutine to completion from synchronous code, with or without a running event loop.

pyHanko's synchronous entry points call :func:`asyncio.run`, which fails when the current thread
already runs a loop (a web handler, a bot handler). These helpers run the coroutine on a fresh
loop: in this thread when no loop runs here, otherwise in a short-lived worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

CoroFactory = Callable[[], Coroutine[Any, Any, T]]
"""A callable that makes the coroutine; called in the thread that runs it."""


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def run_blocking(factory: CoroFactory[T]) -> T:
    """The result of ``factory()`` run on a fresh loop; blocks the calling thread until done.

    Inside a running loop the work goes to a worker thread (the caller's loop is blocked for the
    duration, as any synchronous call would block it: prefer the ``async`` variant there).
    """
    if not _loop_running():
        return asyncio.run(factory())
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="signing") as pool:
        return pool.submit(lambda: asyncio.run(factory())).result()


async def run_off_loop(factory: CoroFactory[T]) -> T:
    """The result of ``factory()`` run on a fresh loop in a worker thread, awaited without blocking.

    Signing and validating are CPU work of tens of milliseconds; doing it in a thread keeps the
    caller's loop free to serve other chats meanwhile.
    """
    return await asyncio.to_thread(lambda: asyncio.run(factory()))
