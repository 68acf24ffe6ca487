"""The background worker: does the outbox's jobs (reminders, documents, emails, notifications,
the daily retention purge).

At least once: a job is marked done only after its handler returned; a handler that raises is
retried with exponential backoff, and after ``max_attempts`` the job is marked failed (visible
to staff). Handlers are idempotent (they check before acting, and keys dedupe the queue).
Recurring work (the daily purge) is queued by *schedules* the worker calls on every round: each
queues its next run under a key of its own (``retention:2026-12-03``), so it is queued once
however many workers run.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any, Final

from storage.outbox import Job, Outbox

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], Awaitable[None]]
"""Does one job's work from its payload."""

Schedule = Callable[[], None]
"""Queues the next run of recurring work unless it is queued already (blocking; cheap when
there is nothing to queue)."""

MAX_ATTEMPTS: Final = 8


class PermanentError(Exception):
    """A job that can never succeed (its booking was cancelled, its data deleted): not retried."""


class Worker:
    """Claims due jobs and runs their handlers."""

    def __init__(
        self,
        outbox: Outbox,
        handlers: Mapping[str, Handler],
        *,
        max_attempts: int = MAX_ATTEMPTS,
        base_delay: timedelta = timedelta(seconds=5),
        max_delay: timedelta = timedelta(hours=1),
        schedules: Sequence[Schedule] = (),
    ) -> None:
        self._outbox = outbox
        self._handlers = dict(handlers)
        self._schedules = tuple(schedules)
        self._max_attempts = max_attempts
        self._base = base_delay
        self._max = max_delay

    def backoff(self, attempts: int) -> timedelta:
        """Delay before the next attempt after ``attempts`` failed ones."""
        delay: timedelta = min(self._max, self._base * (2 ** max(0, attempts - 1)))
        return delay

    async def schedule(self) -> None:
        """Let each schedule queue its next run; a failure is logged and tried next round."""
        for schedule in self._schedules:
            try:
                await asyncio.to_thread(schedule)
            except Exception:  # a database hiccup must not end the worker
                log.exception("worker: queueing recurring work failed")

    async def run_once(self, *, limit: int = 20) -> int:
        """Do the jobs that are due now; returns how many were taken."""
        jobs = await asyncio.to_thread(self._outbox.claim, limit=limit)
        for job in jobs:
            await self._run(job)
        return len(jobs)

    async def _run(self, job: Job) -> None:
        handler = self._handlers.get(job.kind)
        if handler is None:
            await asyncio.to_thread(self._outbox.fail, job, error=f"no handler for {job.kind}")
            log.error("outbox job %s: no handler for kind %s", job.id, job.kind)
            return
        try:
            await handler(job.payload)
        except PermanentError as exc:
            log.warning("outbox job %s (%s) cannot be done: %s", job.id, job.kind, exc)
            await asyncio.to_thread(self._outbox.fail, job, error=str(exc))
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:300]
            if job.attempts >= self._max_attempts:
                log.error("outbox job %s (%s) failed for good: %s", job.id, job.kind, error)
                await asyncio.to_thread(self._outbox.fail, job, error=error)
            else:
                delay = self.backoff(job.attempts)
                log.warning(
                    "outbox job %s (%s) attempt %d failed (%s); again in %s",
                    job.id,
                    job.kind,
                    job.attempts,
                    type(exc).__name__,
                    delay,
                )
                await asyncio.to_thread(self._outbox.retry, job, error=error, delay=delay)
        else:
            await asyncio.to_thread(self._outbox.done, job)

    async def run_forever(self, *, idle: float = 1.0, stop: asyncio.Event | None = None) -> None:
        """Work until ``stop`` is set (or the task is cancelled), polling every ``idle`` seconds."""
        stop = stop or asyncio.Event()
        while not stop.is_set():
            await self.schedule()
            try:
                taken = await self.run_once()
            except Exception:  # a database hiccup must not end the worker
                log.exception("worker: claiming jobs failed")
                taken = 0
            if taken == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=idle)
