"""The conversation row on the event loop (PostgreSQL, asyncpg), for dialog steps that need
nothing else from the database.

Most updates (an answer typed, an option tapped, the menu) read and write only the chat's
conversation row. On PostgreSQL such a step is four round trips awaited on the event loop:
``BEGIN``; one statement that records the update id and locks the row; the ``UPDATE``;
``COMMIT``. The same guarantees as ``ConversationStore`` on SQLAlchemy: a redelivered update id
is recognised (its insert does nothing, so nothing is returned and the row is not even
locked), updates of one chat are applied one at a time by any number of workers (the row
lock), and the state is saved in the same transaction as the update id. The rows are the ones
SQLAlchemy writes: the same columns, JSON encoded by ``json.dumps`` (see ``Database.loop_pool``)
and timestamps in UTC.

A step that needs more (booking a day, a new chat's first row, ``/status``) is rolled back and
applied again on a thread with SQLAlchemy (``bot.dialog``).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Final, TypeVar

import asyncpg

from storage.conversations import ConversationRow
from storage.db import LOOP_ACQUIRE_TIMEOUT_S, Database
from storage.errors import StorageError
from storage.models import utcnow

T = TypeVar("T")

# The update id is recorded first and the row locked after, as ConversationStore does: the CTE
# is evaluated where RETURNING first reads it, after the insert, and not at all when the insert
# did nothing (a redelivery: no row comes back). A concurrent delivery of the same update id
# waits for the first one's transaction at the insert.
MARK_AND_LOCK: Final = """
WITH conv AS (
    SELECT id, lang, state, version FROM conversation
    WHERE channel = $1 AND chat_id = $2
    FOR UPDATE
)
INSERT INTO processed_update (channel, update_id, processed_at) VALUES ($1, $3, $4)
ON CONFLICT (channel, update_id) DO NOTHING
RETURNING (SELECT id FROM conv), (SELECT lang FROM conv), (SELECT state FROM conv),
    (SELECT version FROM conv)
"""
LOCK: Final = """
SELECT id, lang, state, version FROM conversation WHERE channel = $1 AND chat_id = $2 FOR UPDATE
"""
SAVE: Final = """
UPDATE conversation SET lang = $2, form_id = $3, state = $4, version = $5, updated_at = $6
WHERE id = $1
"""

_DRIVER_ERRORS: Final = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError)
_GONE: Final = (asyncpg.ConnectionDoesNotExistError, asyncpg.InterfaceError, ConnectionError)
"""A pooled connection found dead at ``BEGIN`` (the server restarted, the backend was killed)."""


async def _checked(call: Awaitable[T]) -> T:
    """A driver call, its errors as ``StorageError`` (as ``Database.session`` wraps them)."""
    try:
        return await call
    except _DRIVER_ERRORS as exc:
        raise StorageError(f"database error: {type(exc).__name__}") from exc


@dataclass
class Locked:
    """What a step found: the chat's row, locked until the step ends, or why there is none."""

    redelivered: bool
    """The update id was applied already: nothing to do (the row is not locked)."""
    row: ConversationRow | None
    """The chat's row; ``None`` for a redelivery, or for a chat without a row yet."""
    _conn: Any

    async def save(self, row: ConversationRow, *, form_id: str | None) -> None:
        """Write the row back (its version goes up by one), committed when the step ends."""
        row.version += 1
        await _checked(
            self._conn.execute(SAVE, row.id, row.lang, form_id, row.state, row.version, utcnow())
        )


class LoopConversations:
    """The conversation statements of a dialog step, on the event loop's connections."""

    def __init__(self, db: Database) -> None:
        self._db = db

    @asynccontextmanager
    async def locked(
        self, channel: str, chat_id: str, update_id: int | None
    ) -> AsyncIterator[Locked]:
        """A transaction holding the chat's row (and recording ``update_id``, when given):
        committed when the block ends normally, rolled back when it raises."""
        pool = await _checked(self._db.loop_pool())
        conn = await self._begin(pool)
        try:
            if update_id is None:
                found = await _checked(conn.fetchrow(LOCK, channel, chat_id))
                redelivered = False
            else:
                marked = await _checked(
                    conn.fetchrow(MARK_AND_LOCK, channel, chat_id, update_id, utcnow())
                )
                redelivered = marked is None
                found = None if marked is None or marked[0] is None else marked
            row = (
                None
                if found is None
                else ConversationRow(
                    id=found[0], lang=found[1], state=dict(found[2] or {}), version=found[3]
                )
            )
            yield Locked(redelivered=redelivered, row=row, _conn=conn)
            await _checked(conn.execute("COMMIT"))
        except BaseException:
            if not conn.is_closed() and conn.is_in_transaction():
                # On a broken connection there is nothing to undo: the server rolled it back.
                with contextlib.suppress(*_DRIVER_ERRORS):
                    await conn.execute("ROLLBACK")
            raise
        finally:
            await pool.release(conn)  # a closed connection is replaced by the pool

    async def _begin(self, pool: Any) -> Any:
        """A connection of the pool in a new transaction. A connection found dead at ``BEGIN``
        (nothing was done yet) is dropped and another one tried, once."""
        for attempt in (1, 2):
            conn = await _checked(pool.acquire(timeout=LOOP_ACQUIRE_TIMEOUT_S))
            try:
                await conn.execute("BEGIN")
            except BaseException as exc:
                await pool.release(conn)
                if isinstance(exc, _GONE) and attempt == 1:
                    continue
                if isinstance(exc, _DRIVER_ERRORS):
                    raise StorageError(f"database error: {type(exc).__name__}") from exc
                raise
            return conn
        raise AssertionError("unreachable")  # pragma: no cover
