"""The conversation row on the event loop (PostgreSQL, asyncpg): the same rows as SQLAlchemy
writes; a redelivery recognised; a step that raced another step of its chat run again on the
newer row, never saved over it; nothing written when the step raises; driver errors as
``StorageError``; a connection the server dropped replaced without the step failing."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa

import storage.conversations as conversations_module
import storage.loop_conversations as loop_module
from storage.conversations import ConversationRow, ConversationStore
from storage.db import Database
from storage.errors import ConflictError, NeedsDatabase, NoConversationRowError, StorageError
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
    with db.connection() as conn:
        return ConversationStore(db.dialect).lock(conn, "telegram", chat_id, "id").id


def _updates(db: Database) -> list[tuple[str, int]]:
    with db.engine.connect() as conn:
        rows = conn.execute(sa.select(UPDATES.c.channel, UPDATES.c.update_id))
        return sorted((r[0], r[1]) for r in rows)


def _version(db: Database, chat_id: str) -> int:
    return int(_raw(db, CONV, CONV.c.chat_id == chat_id)["version"])


def setting(state: dict[str, Any], lang: str = "id", form_id: str | None = None) -> Any:
    """A step that sets the row's state and language; its result is the state it saw."""

    def step(row: ConversationRow) -> tuple[str | None, dict[str, Any]]:
        seen = dict(row.state)
        row.state, row.lang = state, lang
        return form_id, seen

    return step


@pytest.mark.postgres
async def test_a_saved_row_is_what_sqlalchemy_saves(pg: Database) -> None:
    _new_chat(pg, "1")
    other = _new_chat(pg, "2")
    applied, seen = await LoopConversations(pg).apply(
        "telegram", "1", 41, setting(STATE, "en", "ktp_recording")
    )
    assert applied
    assert seen == {"active": None, "drafts": {}}
    with pg.connection() as conn:  # the same values through SQLAlchemy's execution
        conn.execute(
            sa.update(CONV)
            .where(CONV.c.id == other)
            .values(lang="en", form_id="ktp_recording", state=STATE, version=1, updated_at=AT)
        )
        conn.execute(sa.insert(UPDATES).values(channel="x", update_id=41, processed_at=AT))
    loop = _raw(pg, CONV, CONV.c.chat_id == "1")
    assert {**loop, "chat_id": "2"} == _raw(pg, CONV, CONV.c.chat_id == "2")
    assert loop["version"] == 1
    marked = _raw(pg, UPDATES, UPDATES.c.channel == "telegram")
    assert {**marked, "channel": "x"} == _raw(pg, UPDATES, UPDATES.c.channel == "x")
    with pg.connection() as conn:  # and SQLAlchemy reads back what the loop saved
        again = ConversationStore(pg.dialect).lock(conn, "telegram", "1", "id")
    assert (again.lang, again.state, again.version) == ("en", STATE, 1)


@pytest.mark.postgres
async def test_a_redelivery_is_recognised_and_runs_nothing(pg: Database) -> None:
    rows = LoopConversations(pg)
    _new_chat(pg, "1")
    assert (await rows.apply("telegram", "1", 7, setting(STATE)))[0]
    ran: list[int] = []

    def never(row: ConversationRow) -> tuple[str | None, None]:
        ran.append(row.version)
        return None, None

    assert await rows.apply("telegram", "1", 7, never) == (False, None)
    assert ran == []
    assert _version(pg, "1") == 1
    # A step recorded on the locked path is recognised as well, and the other way round.
    with pg.connection() as conn:
        store = ConversationStore(pg.dialect)
        store.lock(conn, "telegram", "1", "id")
        assert store.first_delivery(conn, "telegram", 8)
        assert not store.first_delivery(conn, "telegram", 7)
    assert await rows.apply("telegram", "1", 8, never) == (False, None)
    assert _updates(pg) == [("telegram", 7), ("telegram", 8)]


@pytest.mark.postgres
async def test_a_chat_without_a_row_and_a_step_without_an_update_id(pg: Database) -> None:
    rows = LoopConversations(pg)
    with pytest.raises(NoConversationRowError):
        await rows.apply("telegram", "9", 1, setting(STATE))
    assert _updates(pg) == []
    _new_chat(pg, "9")
    assert await rows.apply("telegram", "9", None, setting(STATE)) == (
        True,
        {"active": None, "drafts": {}},
    )
    assert _updates(pg) == []
    assert _version(pg, "9") == 1


@pytest.mark.postgres
async def test_a_step_that_raced_another_runs_again_on_the_newer_row(pg: Database) -> None:
    rows = LoopConversations(pg)
    _new_chat(pg, "1")
    seen: list[dict[str, Any]] = []

    def racing(row: ConversationRow) -> tuple[str | None, None]:
        seen.append(dict(row.state))
        if len(seen) == 1:  # another worker saves the chat while this step runs
            with pg.connection() as conn:
                store = ConversationStore(pg.dialect)
                other = store.lock(conn, "telegram", "1", "id")
                assert store.first_delivery(conn, "telegram", 2)
                other.state = {"n": 1}
                store.save(conn, other, form_id=None)
        row.state = {"n": (row.state.get("n") or 0) + 10}
        return None, None

    assert (await rows.apply("telegram", "1", 3, racing))[0]
    assert seen == [{"active": None, "drafts": {}}, {"n": 1}]
    with pg.connection() as conn:
        final = ConversationStore(pg.dialect).lock(conn, "telegram", "1", "id")
    assert (final.state, final.version) == ({"n": 11}, 2)
    assert _updates(pg) == [("telegram", 2), ("telegram", 3)]


@pytest.mark.postgres
async def test_a_step_that_keeps_losing_gives_up_having_written_nothing(pg: Database) -> None:
    rows = LoopConversations(pg)
    _new_chat(pg, "1")

    def always_overtaken(row: ConversationRow) -> tuple[str | None, None]:
        with pg.connection() as conn:
            store = ConversationStore(pg.dialect)
            other = store.lock(conn, "telegram", "1", "id")
            store.save(conn, other, form_id=None)
        row.state = {"lost": True}
        return None, None

    with pytest.raises(ConflictError):
        await rows.apply("telegram", "1", 3, always_overtaken)
    assert _updates(pg) == []
    assert _version(pg, "1") == loop_module.CONFLICT_ATTEMPTS


@pytest.mark.postgres
async def test_a_save_waits_for_a_locked_step_of_the_chat_then_runs_again(pg: Database) -> None:
    """A step on the locked path (a booking, on a thread) holds the row: the loop's save waits
    for it, finds the version changed, and runs the step again on what the other one saved."""
    rows = LoopConversations(pg)
    _new_chat(pg, "1")
    locked = threading.Event()
    release = threading.Event()

    def locked_step() -> None:
        with pg.connection() as conn:
            store = ConversationStore(pg.dialect)
            row = store.lock(conn, "telegram", "1", "id")
            assert store.first_delivery(conn, "telegram", 1)
            locked.set()
            assert release.wait(10)
            row.state = {"booked": True}
            store.save(conn, row, form_id=None)

    seen: list[dict[str, Any]] = []

    def on_loop(row: ConversationRow) -> tuple[str | None, None]:
        seen.append(dict(row.state))
        if len(seen) == 1:
            release.set()  # the locked step commits while this save waits for its row
        row.state = {**row.state, "answered": True}
        return None, None

    thread = threading.Thread(target=locked_step)
    thread.start()
    assert await asyncio.to_thread(locked.wait, 10)
    await rows.apply("telegram", "1", 2, on_loop)
    await asyncio.to_thread(thread.join, 10)
    assert seen == [{"active": None, "drafts": {}}, {"booked": True}]
    with pg.connection() as conn:
        final = ConversationStore(pg.dialect).lock(conn, "telegram", "1", "id")
    assert final.state == {"booked": True, "answered": True}
    assert _updates(pg) == [("telegram", 1), ("telegram", 2)]


@pytest.mark.postgres
async def test_a_step_that_raises_writes_nothing(pg: Database) -> None:
    rows = LoopConversations(pg)
    _new_chat(pg, "1")

    def needs_more(row: ConversationRow) -> tuple[str | None, None]:
        row.state = STATE
        raise NeedsDatabase

    with pytest.raises(NeedsDatabase):  # a BaseException leaves nothing behind either
        await rows.apply("telegram", "1", 5, needs_more)
    assert _updates(pg) == []
    assert _version(pg, "1") == 0
    assert (await rows.apply("telegram", "1", 5, setting(STATE)))[0]  # the connection is fine


@pytest.mark.postgres
async def test_driver_errors_become_storage_errors_and_write_nothing(pg: Database) -> None:
    rows = LoopConversations(pg)
    _new_chat(pg, "1")

    def bad(**changes: Any) -> Any:
        def step(row: ConversationRow) -> tuple[str | None, None]:
            for name, value in changes.items():
                setattr(row, name, value)
            return None, None

        return step

    with pytest.raises(StorageError):
        await rows.apply("telegram", "1", 5, bad(state={"when": object()}))  # not JSON
    with pytest.raises(StorageError):
        await rows.apply("telegram", "1", 6, bad(lang=None))  # NOT NULL
    assert _updates(pg) == []
    assert _version(pg, "1") == 0


@pytest.mark.postgres
async def test_a_connection_the_server_dropped_is_replaced(pg: Database, pg_url: str) -> None:
    rows = LoopConversations(pg)
    _new_chat(pg, "1")
    pool = await pg.loop_pool()
    async with pool.acquire() as conn:
        pid = await conn.fetchval("SELECT pg_backend_pid()")
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    await asyncio.sleep(0.1)
    assert (await rows.apply("telegram", "1", 1, setting(STATE)))[0]
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT pg_backend_pid()") != pid
    assert _updates(pg) == [("telegram", 1)]


@pytest.mark.postgres
async def test_a_connection_found_dead_at_the_first_statement_is_replaced(
    pg: Database, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pool replaces connections it knows are closed; one that died unnoticed fails at the
    step's first statement, before anything was done, and the step goes on with another."""
    rows = LoopConversations(pg)
    _new_chat(pg, "1")
    pool = await pg.loop_pool()
    handed: list[Any] = []

    class DeadFirst:
        """The pool, except that the first connection it hands out has just died."""

        async def acquire(self, **kwargs: Any) -> Any:
            conn = await pool.acquire(**kwargs)
            if not handed:  # its server process killed, and nothing has noticed yet
                pid = conn.get_server_pid()
                with psycopg.connect(pg_url, autocommit=True) as admin:
                    admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            handed.append(conn)
            return conn

        async def release(self, conn: Any) -> None:
            await pool.release(conn)

    async def dead_first() -> Any:
        return DeadFirst()

    monkeypatch.setattr(pg, "loop_pool", dead_first)
    assert (await rows.apply("telegram", "1", 1, setting(STATE)))[0]
    assert len(handed) == 2
    assert _updates(pg) == [("telegram", 1)]


async def test_no_server_is_a_storage_error() -> None:
    db = Database("postgresql://postgres@127.0.0.1:1/none")  # nothing listens on port 1
    try:
        with pytest.raises(StorageError):
            await LoopConversations(db).apply("telegram", "1", 1, setting(STATE))
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
