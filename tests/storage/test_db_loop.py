"""``Database.run``: a synchronous unit of work on the event loop (PostgreSQL; SQLAlchemy's asyncio
extension over asyncpg). It must behave as ``Database.connection()`` does on a thread: commit or
roll back as a whole, let inner units join it, flush the ORM session, wrap driver errors, store
exactly the same rows, and replace a connection the server dropped."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy import Connection

import storage.conversations as conversations_module
from storage.conversations import ConversationStore
from storage.db import Database
from storage.errors import StorageError
from storage.models import ProcessedUpdate
from storage.tables import CONV, UPDATES
from tests.storage.test_conversations import STATE, _raw

AT = datetime(2026, 12, 1, 2, 3, 4, 567891, tzinfo=UTC)


@pytest.fixture
async def pg(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Database]:
    monkeypatch.setattr(conversations_module, "utcnow", lambda: AT)
    db = Database(pg_url)
    yield db
    await db.aclose()
    db.dispose()


def _updates(db: Database) -> list[int]:
    with db.engine.connect() as conn:
        return sorted(conn.execute(sa.select(UPDATES.c.update_id)).scalars())


def _mark(conn: Connection, update_id: int) -> None:
    conn.execute(sa.insert(UPDATES).values(channel="t", update_id=update_id, processed_at=AT))


@pytest.mark.postgres
async def test_a_unit_commits_or_rolls_back_as_a_whole(pg: Database) -> None:
    def work(conn: Connection, n: int) -> str:
        _mark(conn, n)
        return "done"

    assert await pg.run(work, 1) == "done"

    class RefusedError(Exception):
        pass

    def failing(conn: Connection) -> None:
        _mark(conn, 2)
        raise RefusedError

    with pytest.raises(RefusedError):  # a domain exception passes through unchanged
        await pg.run(failing)
    assert _updates(pg) == [1]


@pytest.mark.postgres
async def test_inner_units_join_it_and_the_orm_session_is_flushed(pg: Database) -> None:
    def work(conn: Connection) -> None:
        _mark(conn, 1)
        with pg.session() as session:  # an adapter's own unit: joins as a savepoint
            session.add(ProcessedUpdate(channel="t", update_id=2, processed_at=AT))
        try:
            with pg.connection() as inner:
                _mark(inner, 3)
                raise LookupError("undo just this part")
        except LookupError:
            pass
        with pg.session(savepoint=False) as session:
            session.add(ProcessedUpdate(channel="t", update_id=4, processed_at=AT))
            # not flushed here: the unit flushes it before the commit

    await pg.run(work)
    assert _updates(pg) == [1, 2, 4]


@pytest.mark.postgres
async def test_driver_errors_become_storage_errors(pg: Database) -> None:
    def duplicate(conn: Connection) -> None:
        _mark(conn, 1)
        _mark(conn, 1)

    with pytest.raises(StorageError):
        await pg.run(duplicate)
    assert _updates(pg) == []


@pytest.mark.postgres
async def test_the_hot_statements_store_the_same_rows_on_both_drivers(pg: Database) -> None:
    rows = ConversationStore(pg.dialect)

    def step(conn: Connection, chat_id: str, update_id: int) -> int:
        row = rows.lock(conn, "telegram", chat_id, "id")
        assert rows.first_delivery(conn, "telegram", update_id)
        assert not rows.first_delivery(conn, "telegram", update_id)
        row.state, row.lang = STATE, "en"
        rows.save(conn, row, form_id="ktp_recording")
        return row.version

    assert await pg.run(step, "1", 11) == 1  # asyncpg, in the event loop
    with pg.connection() as conn:  # psycopg, as on a thread
        assert step(conn, "2", 12) == 1
    loop_row = _raw(pg, CONV, CONV.c.chat_id == "1")
    thread_row = _raw(pg, CONV, CONV.c.chat_id == "2")
    assert {**loop_row, "chat_id": "2"} == thread_row
    marked = _raw(pg, UPDATES, UPDATES.c.update_id == 11)
    assert {**marked, "update_id": 12} == _raw(pg, UPDATES, UPDATES.c.update_id == 12)

    def read(conn: Connection) -> Any:
        return rows.lock(conn, "telegram", "2", "id")

    again = await pg.run(read)  # what psycopg wrote reads back the same through asyncpg
    assert (again.lang, again.state, again.version) == ("en", STATE, 1)


@pytest.mark.postgres
async def test_a_connection_the_server_dropped_is_replaced(pg: Database, pg_url: str) -> None:
    def pid(conn: Connection) -> int:
        return int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())

    first = await pg.run(pid)
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (first,))
    await asyncio.sleep(0.1)
    assert await pg.run(pid) != first


async def test_sqlite_has_no_units_on_the_event_loop(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    try:
        with pytest.raises(StorageError):
            await db.run(lambda conn: None)
    finally:
        await db.aclose()
        db.dispose()


@pytest.mark.postgres
async def test_a_server_that_does_not_answer_is_a_storage_error(pg_url: str) -> None:
    """Connecting fails (nothing listens on the port): a ``StorageError``, as on a thread, so
    that the webhook answers 5xx and Telegram delivers the update again later."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again below: nothing listens there
    db = Database(str(sa.make_url(pg_url).set(host="127.0.0.1", port=port)))
    try:
        with pytest.raises(StorageError, match="unavailable"):
            await db.run(lambda conn: conn.exec_driver_sql("SELECT 1").scalar())
    finally:
        await db.aclose()
        db.dispose()
