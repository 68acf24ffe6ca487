"""The conversation row on the event loop (PostgreSQL, asyncpg): the same rows as SQLAlchemy
writes, a redelivery recognised without waiting for the row, one step of a chat at a time,
everything undone when the step raises, driver errors as ``StorageError``, and a connection the
server dropped replaced without the step failing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa

import storage.conversations as conversations_module
import storage.loop_conversations as loop_module
from storage.conversations import ConversationStore
from storage.db import Database
from storage.errors import NeedsDatabase, StorageError
from storage.loop_conversations import LoopConversations
from storage.tables import CONV, UPDATES
from tests.storage.test_conversations import STATE, _raw

AT = datetime(2026, 12, 1, 2, 3, 4, 567891, tzinfo=UTC)


@pytest.fixture
async def pg(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Database]:
    monkeypatch.setattr(conversations_module, "utcnow", lambda: AT)
    monkeypatch.setattr(loop_module, "utcnow", lambda: AT)
    db = Database(pg_url)
    yield db
    await db.aclose()
    db.dispose()


def _new_chat(db: Database, chat_id: str) -> int:
    """A chat's row as the first step makes it (on SQLAlchemy)."""
    rows = ConversationStore(db.dialect)
    with db.connection() as conn:
        return rows.lock(conn, "telegram", chat_id, "id").id


def _updates(db: Database) -> list[tuple[str, int]]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(UPDATES.c.channel, UPDATES.c.update_id))]


@pytest.mark.postgres
async def test_a_saved_row_is_what_sqlalchemy_saves(pg: Database) -> None:
    loop_rows = LoopConversations(pg)
    _new_chat(pg, "1")
    other = _new_chat(pg, "2")
    async with loop_rows.locked("telegram", "1", 41) as locked:
        assert not locked.redelivered
        assert locked.row is not None
        assert (locked.row.state, locked.row.version) == ({"active": None, "drafts": {}}, 0)
        locked.row.state, locked.row.lang = STATE, "en"
        await locked.save(locked.row, form_id="ktp_recording")
    with pg.connection() as conn:  # the same values through SQLAlchemy's execution
        conn.execute(
            sa.update(CONV)
            .where(CONV.c.id == other)
            .values(lang="en", form_id="ktp_recording", state=STATE, version=1, updated_at=AT)
        )
        conn.execute(sa.insert(UPDATES).values(channel="x", update_id=41, processed_at=AT))
    loop = _raw(pg, CONV, CONV.c.chat_id == "1")
    core = _raw(pg, CONV, CONV.c.chat_id == "2")
    assert {**loop, "chat_id": "2"} == core  # JSON text and timestamps alike
    assert loop["version"] == 1
    marked = _raw(pg, UPDATES, UPDATES.c.channel == "telegram")
    assert {**marked, "channel": "x"} == _raw(pg, UPDATES, UPDATES.c.channel == "x")
    # And SQLAlchemy reads back what the loop saved.
    with pg.connection() as conn:
        again = ConversationStore(pg.dialect).lock(conn, "telegram", "1", "id")
    assert (again.lang, again.state, again.version) == ("en", STATE, 1)


@pytest.mark.postgres
async def test_a_redelivery_is_recognised_without_waiting_for_the_row(pg: Database) -> None:
    loop_rows = LoopConversations(pg)
    _new_chat(pg, "1")
    async with loop_rows.locked("telegram", "1", 7) as locked:
        assert locked.row is not None
        await locked.save(locked.row, form_id=None)
    async with loop_rows.locked("telegram", "1", 7) as first_step_of_another:
        assert first_step_of_another.redelivered
        assert first_step_of_another.row is None
    # While another step holds the row, a redelivery still answers at once.
    async with loop_rows.locked("telegram", "1", 8) as holding:
        assert holding.row is not None
        async with asyncio.timeout(5):
            async with loop_rows.locked("telegram", "1", 7) as again:
                assert again.redelivered
        await holding.save(holding.row, form_id=None)
    assert sorted(_updates(pg)) == [("telegram", 7), ("telegram", 8)]


@pytest.mark.postgres
async def test_a_chat_without_a_row_and_a_step_without_an_update_id(pg: Database) -> None:
    loop_rows = LoopConversations(pg)

    async def first_step() -> None:
        async with loop_rows.locked("telegram", "9", 1) as locked:
            assert locked.row is None
            assert not locked.redelivered
            raise LookupError("the caller makes the row elsewhere")

    with pytest.raises(LookupError):
        await first_step()
    assert _updates(pg) == []  # undone with the step
    _new_chat(pg, "9")
    async with loop_rows.locked("telegram", "9", None) as locked:
        assert locked.row is not None
        assert not locked.redelivered
        await locked.save(locked.row, form_id=None)
    assert _updates(pg) == []
    assert _raw(pg, CONV, CONV.c.chat_id == "9")["version"] == 1


@pytest.mark.postgres
async def test_steps_of_one_chat_take_turns(pg: Database) -> None:
    loop_rows = LoopConversations(pg)
    _new_chat(pg, "1")
    order: list[str] = []
    first_in = asyncio.Event()
    release_first = asyncio.Event()

    async def first() -> None:
        async with loop_rows.locked("telegram", "1", 1) as locked:
            assert locked.row is not None
            order.append("first locked")
            first_in.set()
            await release_first.wait()
            locked.row.state = {"active": None, "drafts": {}, "n": 1}
            await locked.save(locked.row, form_id=None)
            order.append("first saved")

    async def second() -> None:
        await first_in.wait()
        async with loop_rows.locked("telegram", "1", 2) as locked:
            assert locked.row is not None
            order.append(f"second locked, saw n={locked.row.state.get('n')}")
            await locked.save(locked.row, form_id=None)

    async def other_chat() -> None:
        await first_in.wait()
        _new_chat(pg, "2")
        async with asyncio.timeout(5), loop_rows.locked("telegram", "2", 3) as locked:
            assert locked.row is not None
            order.append("other chat")
        release_first.set()

    await asyncio.gather(first(), second(), other_chat())
    assert order == ["first locked", "other chat", "first saved", "second locked, saw n=1"]
    assert _raw(pg, CONV, CONV.c.chat_id == "1")["version"] == 2


@pytest.mark.postgres
async def test_a_step_that_raises_is_undone(pg: Database) -> None:
    loop_rows = LoopConversations(pg)
    _new_chat(pg, "1")

    async def step() -> None:
        async with loop_rows.locked("telegram", "1", 5) as locked:
            assert locked.row is not None
            locked.row.state = STATE
            await locked.save(locked.row, form_id="ktp_recording")
            raise NeedsDatabase

    with pytest.raises(NeedsDatabase):  # a BaseException undoes it too
        await step()
    assert _updates(pg) == []
    assert _raw(pg, CONV, CONV.c.chat_id == "1")["version"] == 0
    async with loop_rows.locked("telegram", "1", 5) as locked:  # the connection is usable
        assert not locked.redelivered


@pytest.mark.postgres
async def test_driver_errors_become_storage_errors_and_undo_the_step(pg: Database) -> None:
    loop_rows = LoopConversations(pg)
    _new_chat(pg, "1")

    async def step(update_id: int, **changes: Any) -> None:
        async with loop_rows.locked("telegram", "1", update_id) as locked:
            assert locked.row is not None
            for name, value in changes.items():
                setattr(locked.row, name, value)
            await locked.save(locked.row, form_id=None)

    with pytest.raises(StorageError):
        await step(5, state={"when": object()})  # not JSON
    with pytest.raises(StorageError):
        await step(6, lang=None)  # NOT NULL
    assert _updates(pg) == []


@pytest.mark.postgres
async def test_a_connection_the_server_dropped_is_replaced(pg: Database, pg_url: str) -> None:
    loop_rows = LoopConversations(pg)
    _new_chat(pg, "1")
    async with loop_rows.locked("telegram", "1", 1) as locked:
        pid = await locked._conn.fetchval("SELECT pg_backend_pid()")
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    await asyncio.sleep(0.1)
    async with loop_rows.locked("telegram", "1", 2) as locked:
        assert locked.row is not None
        assert await locked._conn.fetchval("SELECT pg_backend_pid()") != pid
        await locked.save(locked.row, form_id=None)
    assert sorted(_updates(pg)) == [("telegram", 1), ("telegram", 2)]


@pytest.mark.postgres
async def test_a_dead_connection_found_at_begin_is_dropped_and_another_tried(
    pg: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pool replaces connections it knows are closed; one that died unnoticed fails at
    BEGIN, before anything was done, and the step goes on with another."""
    loop_rows = LoopConversations(pg)
    _new_chat(pg, "1")
    pool = await pg.loop_pool()
    handed: list[Any] = []

    class DeadFirst:
        """The pool, except that the first connection it hands out has just died."""

        async def acquire(self, **kwargs: Any) -> Any:
            conn = await pool.acquire(**kwargs)
            if not handed:
                conn.terminate()  # dead, and nothing has noticed yet
            handed.append(conn)
            return conn

        async def release(self, conn: Any) -> None:
            await pool.release(conn)

    async def dead_first() -> Any:
        return DeadFirst()

    monkeypatch.setattr(pg, "loop_pool", dead_first)
    async with loop_rows.locked("telegram", "1", 1) as locked:
        assert locked.row is not None
        await locked.save(locked.row, form_id=None)
    assert len(handed) == 2
    assert _updates(pg) == [("telegram", 1)]


async def test_no_server_is_a_storage_error() -> None:
    db = Database("postgresql://postgres@127.0.0.1:1/none")  # nothing listens on port 1
    try:
        with pytest.raises(StorageError):
            async with LoopConversations(db).locked("telegram", "1", 1):
                pass
    finally:
        await db.aclose()
        db.dispose()


async def test_sqlite_has_no_loop_connections(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    try:
        with pytest.raises(StorageError):
            await db.loop_pool()
    finally:
        db.dispose()
