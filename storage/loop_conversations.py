"""The conversation row on the event loop (PostgreSQL, asyncpg), for dialog steps that need
nothing else from the database.

Most updates (an answer typed, an option tapped, the menu) read and write only the chat's
conversation row. On PostgreSQL such a step is two statements awaited on the event loop, each
its own transaction, with optimistic concurrency instead of a row lock held across the step:

1. read the row, and whether the update id was applied already (a redelivery: nothing to do);
2. the step itself (the pure engine; no I/O);
3. one statement that saves the row *if its version is still the one read* and, in the same
   statement, records the update id. When another step of the chat (another worker) saved in
   between, nothing is written and the step runs again on the row as it is now.

The guarantees are those of ``ConversationStore``'s locked steps: an update id is applied once
(a redelivery that raced the first delivery loses at the version check, then sees the id), the
steps of one chat are applied one at a time (each on the state the previous one saved), and the
state and the update id are saved together or not at all. It mixes safely with locked steps on
threads: the conditional ``UPDATE`` waits for a row a locked step holds, then finds the version
changed. Both kinds touch the row first and the update id second (``DialogService.handle``
locks before it records), so they cannot deadlock. The rows are the ones SQLAlchemy writes: the
same columns, JSON encoded by ``json.dumps`` (see ``Database.loop_pool``), timestamps in UTC.

Two round trips instead of four (``BEGIN``, read and lock, ``UPDATE``, ``COMMIT``), and no row
lock held while the step runs: 0.17 against 0.24-0.29 ms of CPU in this process, measured
alternately (docs/NOTES.md), and less work for the server.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Final, TypeVar

import asyncpg

from storage.conversations import ConversationRow
from storage.db import LOOP_ACQUIRE_TIMEOUT_S, Database
from storage.errors import ConflictError, NoConversationRowError, StorageError
from storage.models import utcnow

log = logging.getLogger(__name__)

T = TypeVar("T")

CONFLICT_ATTEMPTS: Final = 3
"""Times a step is run again after another worker saved the chat in between (then it goes to
the locked path): one worker applies a chat's updates one at a time, so this is rare."""

READ: Final = """
SELECT c.id, c.lang, c.state, c.version,
    EXISTS (SELECT 1 FROM processed_update p WHERE p.channel = $1 AND p.update_id = $3)
FROM conversation c WHERE c.channel = $1 AND c.chat_id = $2
"""
# The update id is recorded only where the row was saved (INSERT ... SELECT FROM saved): a
# version that changed meanwhile writes neither.
SAVE_AND_MARK: Final = """
WITH saved AS (
    UPDATE conversation SET lang = $3, form_id = $4, state = $5, version = $2 + 1, updated_at = $6
    WHERE id = $1 AND version = $2
    RETURNING id
), marked AS (
    INSERT INTO processed_update (channel, update_id, processed_at)
    SELECT $7, $8, $6 FROM saved
    ON CONFLICT (channel, update_id) DO NOTHING
    RETURNING id
)
SELECT (SELECT count(*) FROM saved), (SELECT count(*) FROM marked)
"""
SAVE: Final = """
UPDATE conversation SET lang = $3, form_id = $4, state = $5, version = $2 + 1, updated_at = $6
WHERE id = $1 AND version = $2
"""

_DRIVER_ERRORS: Final = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError)
_GONE: Final = (asyncpg.ConnectionDoesNotExistError, asyncpg.InterfaceError, ConnectionError)
"""A pooled connection found dead at its first statement (the server restarted, the backend was
killed; asyncpg then hands the connection back to the pool itself): nothing was done yet, so
another connection is tried."""


class _DeadConnection(Exception):  # noqa: N818 - internal signal
    """The connection was found closed at a step's first statement (nothing done on it)."""


Step = Callable[[ConversationRow], tuple[str | None, T]]
"""Runs the step on the row (changing it in place); returns the active form id and a result."""


async def _checked(call: Awaitable[T]) -> T:
    """A driver call, its errors as ``StorageError`` (as ``Database.session`` wraps them)."""
    try:
        return await call
    except _DRIVER_ERRORS as exc:
        raise StorageError(f"database error: {type(exc).__name__}") from exc


class LoopConversations:
    """Dialog steps on the conversation row alone, on the event loop's connections."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def apply(
        self, channel: str, chat_id: str, update_id: int | None, step: Step[T]
    ) -> tuple[bool, T | None]:
        """Run ``step`` on the chat's row and save it with ``update_id`` (see the module's
        docstring); ``(True, result)``, or ``(False, None)`` for an update applied already.

        Raises ``NoConversationRowError`` for a chat without a row, ``ConflictError`` when other
        steps kept saving the chat first, and whatever ``step`` raises: in every case nothing
        was written."""
        pool = await _checked(self._db.loop_pool())
        for connection in (1, 2):
            conn = await _checked(pool.acquire(timeout=LOOP_ACQUIRE_TIMEOUT_S))
            try:
                return await self._apply_on(conn, channel, chat_id, update_id, step)
            except _DeadConnection as exc:
                if connection == 2:
                    raise StorageError(f"database error: {exc.args[0]}") from exc
                log.info("a pooled connection was closed; the step goes on with a new one")
            finally:
                await pool.release(conn)  # the pool replaces a closed connection
        raise AssertionError("unreachable")  # pragma: no cover

    async def _apply_on(
        self, conn: Any, channel: str, chat_id: str, update_id: int | None, step: Step[T]
    ) -> tuple[bool, T | None]:
        for attempt in range(1, CONFLICT_ATTEMPTS + 1):
            try:
                found = await conn.fetchrow(READ, channel, chat_id, update_id)
            except _GONE as exc:
                if attempt == 1:  # a read, the first use of the connection: safe to repeat
                    raise _DeadConnection(type(exc).__name__) from exc
                raise StorageError(f"database error: {type(exc).__name__}") from exc
            except _DRIVER_ERRORS as exc:
                raise StorageError(f"database error: {type(exc).__name__}") from exc
            if found is None:
                raise NoConversationRowError("the chat has no row yet")
            if found[4]:
                return False, None
            row = ConversationRow(
                id=found[0], lang=found[1], state=dict(found[2] or {}), version=found[3]
            )
            read_version = row.version
            form_id, result = step(row)
            if await self._save(
                conn,
                row,
                read_version=read_version,
                form_id=form_id,
                channel=channel,
                update_id=update_id,
            ):
                row.version = read_version + 1
                return True, result
            log.info("a %s chat changed during a step; running it again", channel)
        raise ConflictError("other steps of the chat kept saving first")

    async def _save(
        self,
        conn: Any,
        row: ConversationRow,
        *,
        read_version: int,
        form_id: str | None,
        channel: str,
        update_id: int | None,
    ) -> bool:
        """Save ``row`` if it is still at ``read_version``, with ``update_id``; whether it was."""
        now = utcnow()
        values = (row.id, read_version, row.lang, form_id, row.state, now)
        if update_id is None:
            status = await _checked(conn.execute(SAVE, *values))
            return bool(status == "UPDATE 1")
        saved, marked = await _checked(conn.fetchrow(SAVE_AND_MARK, *values, channel, update_id))
        if saved and not marked:  # pragma: no cover - the version check rules this out
            log.error("update %s of %s was recorded by another step", update_id, channel)
        return bool(saved)
