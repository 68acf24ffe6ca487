"""Database engine and unit of work, the same code for SQLite (embedded default) and PostgreSQL.

SQLite: one file in WAL mode; every transaction starts with ``BEGIN IMMEDIATE`` so that a
read-then-write (load a conversation, step it, save it; take a booking slot) holds the single
write lock from its first statement and cannot interleave with another process. For that the
pysqlite driver's own transaction handling is switched off (``isolation_level=None``) and
SQLAlchemy's ``begin`` event emits the statement itself, the recipe in SQLAlchemy's SQLite
dialect documentation.

PostgreSQL: READ COMMITTED with explicit row locks (``SELECT ... FOR UPDATE``) or conditional
updates where an invariant must hold across concurrent writers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, Final, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool
from sqlalchemy.util import await_only
from sqlmodel import Session

from storage.errors import NeedsDatabase, StorageError, WriterBusyError

if TYPE_CHECKING:
    import asyncpg

P = ParamSpec("P")
T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_WRITER_WAIT_S = SQLITE_BUSY_TIMEOUT_MS / 1000


def default_sqlite_url(data_dir: Path) -> str:
    """The embedded default database: a SQLite file under ``DATA_DIR``."""
    return f"sqlite:///{(data_dir / 'adminduk.sqlite3').resolve()}"


def _normalise_url(url: str) -> str:
    """Use the psycopg 3 driver for plain ``postgresql://`` URLs."""
    parsed = make_url(url)
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


LOOP_POOL_SIZE = 10
"""Connections of each of the event loop's two pools (PostgreSQL), per process: asyncpg's for
the steps on the conversation row, SQLAlchemy's for ``Database.run``. A step waits (awaiting)
for a free one rather than open more: the round trips are short, and several workers share the
server's ``max_connections`` (100 by default)."""
LOOP_ACQUIRE_TIMEOUT_S = 30.0
"""How long a step on the event loop waits for a free connection (SQLAlchemy's pool default)."""

_NO_WAIT: ContextVar[bool] = ContextVar("unit_of_work_no_wait", default=False)
"""Set while a unit of work opened with ``wait=False`` begins (see ``Database.session``)."""


def _setup_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Straight to the driver: ``exec_driver_sql`` cost ~30 µs of CPU per unit of work (an
        # execution context and its events for a statement without parameters or rows).
        driver = conn.connection.driver_connection
        if not _NO_WAIT.get():
            try:
                driver.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:  # e.g. "database is locked" after the busy timeout
                raise StorageError(f"database error: {type(exc).__name__}") from exc
            return
        # A unit that must not wait: no busy handler for this BEGIN, so another process's
        # write lock makes it fail at once instead of sleeping and retrying for 30 s.
        driver.execute("PRAGMA busy_timeout=0")
        try:
            driver.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                raise StorageError(f"database error: {type(exc).__name__}") from exc
            raise WriterBusyError("another process holds the write lock") from exc
        except sqlite3.Error as exc:
            raise StorageError(f"database error: {type(exc).__name__}") from exc
        finally:
            driver.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")


def _setup_postgresql(engine: Engine) -> None:
    """Check each pooled connection as it is taken, like ``pool_pre_ping`` (which it replaces):
    a dead one is replaced before use, a live one is untouched.

    SQLAlchemy's ping switches psycopg to autocommit and back around an empty statement run
    through a cursor: 68 µs of CPU per unit of work on this machine. The same empty statement
    sent by libpq directly costs about 40 µs (it leaves the connection idle, outside any
    transaction, as it found it). A ``DisconnectionError`` from a ``checkout`` listener makes
    the pool discard the connection and take another, as a failed pre-ping does.
    """
    from psycopg import Error as DriverError
    from psycopg import pq

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        try:
            result = dbapi_connection.pgconn.exec_(b";")
        except DriverError as exc:
            raise DisconnectionError("the pooled connection is gone") from exc
        if result.status != pq.ExecStatus.EMPTY_QUERY:
            raise DisconnectionError("the pooled connection is gone")


def _setup_asyncpg(engine: Engine) -> None:
    """The same check for the connections of ``Database.run`` (SQLAlchemy over asyncpg):
    ``SELECT 1`` through asyncpg's simple query protocol, one round trip awaited on the loop
    (SQLAlchemy's own ping for asyncpg opens and rolls back a transaction around it: three)."""

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        try:
            await_only(dbapi_connection.driver_connection.execute("SELECT 1"))
        except Exception as exc:  # asyncpg's errors, a closed socket (OSError), a dead backend
            raise DisconnectionError("the pooled connection is gone") from exc


async def _json_codecs(conn: asyncpg.Connection) -> None:
    """``json`` columns as Python values, encoded as SQLAlchemy encodes them (``json.dumps``), so
    that rows written from the event loop and from SQLAlchemy are the same text."""
    await conn.set_type_codec("json", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Nothing to reset when a connection goes back to the event loop's pool: every use ends
    its transaction, and nothing changes session settings, listens or takes advisory locks.
    (asyncpg's default reset is a round trip of four statements on every release: 0.1-0.2 ms of
    CPU per step.)"""
    del conn


_FORBIDDEN: Final = object()
"""Stands for the unit of work while ``without_units()`` forbids one."""


class _Unit:
    """The unit of work active in a thread (or task): its connection, and the ORM session made
    on first use, joined to the connection's transaction."""

    __slots__ = ("conn", "orm")

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.orm: Session | None = None

    def session(self) -> Session:
        """The unit's ORM session: joins the connection's transaction without owning it (its
        ``commit`` would not commit, its ``close`` leaves the transaction as it is)."""
        if self.orm is None:
            self.orm = Session(
                bind=self.conn, expire_on_commit=False, join_transaction_mode="rollback_only"
            )
        return self.orm


@dataclass
class Database:
    """One database: its engine and a unit-of-work factory. Built once by the composition root."""

    url: str
    echo: bool = False
    engine: Engine = field(init=False)
    _current: ContextVar[_Unit | object | None] = field(init=False, repr=False)
    _writer: threading.Lock | None = field(init=False, repr=False, default=None)
    _loop_pool: tuple[asyncio.AbstractEventLoop, asyncpg.Pool] | None = field(
        init=False, repr=False, default=None
    )
    _loop_engine: tuple[asyncio.AbstractEventLoop, AsyncEngine] | None = field(
        init=False, repr=False, default=None
    )

    def __post_init__(self) -> None:
        self._current = ContextVar(f"unit_of_work_{id(self)}", default=None)
        self.url = _normalise_url(self.url)
        parsed = make_url(self.url)
        if parsed.get_backend_name() == "sqlite":
            database = parsed.database or ""
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            # One connection per thread is cheap for SQLite files; the pool keeps them.
            self.engine = create_engine(self.url, echo=self.echo)
            _setup_sqlite(self.engine)
            # Every SQLite transaction takes the file's single write lock (BEGIN IMMEDIATE).
            # Threads of this process queue for it here, in order, instead of in SQLite's busy
            # handler, which sleeps 1, 2, 5, ... 100 ms between attempts: under load those
            # sleeps, not the work, set the pace. Other processes still wait in the busy handler.
            self._writer = threading.Lock()
        else:
            self.engine = create_engine(
                self.url,
                echo=self.echo,
                pool_size=10,
                max_overflow=20,
            )
            _setup_postgresql(self.engine)  # the pool's pre-ping, cheaper

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        """Whether this is the embedded SQLite default."""
        return self.dialect == "sqlite"

    @contextmanager
    def session(self, *, savepoint: bool = True, wait: bool = True) -> Iterator[Session]:
        """A unit of work: commits when the block ends normally, rolls back on an exception.

        Opened while another unit of work is active in the same thread (or task), it joins that
        one as a savepoint: its changes commit or roll back with the outer unit. That is how a
        dialog step records a booking, the submission and the conversation state atomically,
        while each adapter still declares its own unit of work. (On SQLite a second
        transaction would also wait forever for the write lock the outer one holds.)

        ``savepoint=False`` joins an outer unit without a savepoint, for units that leave
        nothing to undo when they fail: reads, and writes that take their own savepoint. A
        savepoint costs two statements that SQLAlchemy compiles afresh each time (about
        0.1 ms of CPU on SQLite); the dialog's booking steps had two of them.

        ``wait=False`` (SQLite; for work on the event loop): when the write lock is taken, by a
        thread of this process or by another process, raise ``WriterBusyError`` at once, having
        done nothing, instead of waiting for it. A unit that joins an outer one never waits.

        Driver errors are wrapped in ``StorageError``; domain exceptions pass through unchanged.
        """
        with self.connection(savepoint=savepoint, wait=wait):
            unit = self._current.get()
            assert isinstance(unit, _Unit)  # noqa: S101 - connection() set it
            yield unit.session()

    def _take_writer(self, wait: bool) -> threading.Lock | None:
        """This process's SQLite write lock, taken (``None`` on PostgreSQL)."""
        writer = self._writer
        if writer is None:
            return None
        if not wait:
            if not writer.acquire(blocking=False):
                raise WriterBusyError("a thread of this process holds the write lock")
        elif not writer.acquire(timeout=SQLITE_WRITER_WAIT_S):
            raise StorageError("database busy: the write lock was not free in time")
        return writer

    @contextmanager
    def connection(self, *, savepoint: bool = True, wait: bool = True) -> Iterator[Connection]:
        """A unit of work like ``session()``, on a bare connection: the ORM session costs about
        45 µs of CPU per unit (begin, commit, close) that a dialog step mostly does not need
        (with the stores' units inside it: 0.58 -> 0.48 ms per dialog step on SQLite). Every
        unit is one of these; ``session()`` adds the ORM session on top.

        Units opened inside it join it, and ``wait`` works, as ``session()`` says; the first ORM
        session asked for is made then, joined to the connection's transaction, and flushed
        before the commit.
        """
        unit = self._current.get()
        if unit is _FORBIDDEN:
            raise NeedsDatabase
        if isinstance(unit, _Unit):
            try:
                if savepoint:
                    session = unit.session()
                    with session.begin_nested():
                        # The session emits SAVEPOINT only when it first uses the connection;
                        # the block may write through the connection alone (Core), and must be
                        # undone when it fails all the same.
                        session.connection()
                        yield unit.conn
                else:
                    yield unit.conn
            except SQLAlchemyError as exc:
                raise StorageError(f"database error: {type(exc).__name__}") from exc
            return
        writer = self._take_writer(wait)
        no_wait = _NO_WAIT.set(not wait)
        token = None
        try:
            with self.engine.connect() as conn:
                unit = _Unit(conn)
                token = self._current.set(unit)
                try:
                    with conn.begin():
                        yield conn
                        if unit.orm is not None:
                            unit.orm.flush()
                finally:
                    if unit.orm is not None:
                        unit.orm.close()
        except SQLAlchemyError as exc:
            raise StorageError(f"database error: {type(exc).__name__}") from exc
        finally:
            if token is not None:
                self._current.reset(token)
            _NO_WAIT.reset(no_wait)
            if writer is not None:
                writer.release()

    @contextmanager
    def without_units(self) -> Iterator[None]:
        """Code that must not open a unit of work: one opened in the block raises
        ``NeedsDatabase`` (a dialog step tried on the event loop, see ``bot.dialog``)."""
        token = self._current.set(_FORBIDDEN)
        try:
            yield
        finally:
            self._current.reset(token)

    async def loop_pool(self) -> asyncpg.Pool:
        """PostgreSQL connections for work on the running event loop (asyncpg), made on first
        use in that loop: a dialog step's few statements, awaited instead of run on a thread.

        Why a second driver: the step on a dialog thread cost the hand-off to the thread and
        back and the threads' contention for the GIL, and SQLAlchemy's asyncio extension
        (greenlets over asyncpg) or psycopg's async connections cost more per statement than
        that saved. The statements of a step (read and lock, save, in a transaction) cost
        0.18-0.21 ms of CPU on asyncpg, 0.39-0.44 ms on psycopg's async connection,
        0.59-0.77 ms through SQLAlchemy's asyncio extension and 0.46-0.57 ms on psycopg in four
        threads (one process, 20 concurrent chats; docs/NOTES.md).
        """
        import asyncpg

        if self.is_sqlite:
            raise StorageError("the event loop's connections are for PostgreSQL")
        loop = asyncio.get_running_loop()
        current = self._loop_pool
        if current is not None and current[0] is loop:
            return current[1]
        dsn = make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False)
        pool = await asyncpg.create_pool(
            dsn,
            min_size=0,
            max_size=LOOP_POOL_SIZE,
            init=_json_codecs,
            reset=_keep_session,
        )
        current = self._loop_pool
        if current is not None and current[0] is loop:  # another task made one meanwhile
            await pool.close()
            return current[1]
        if current is not None:  # a pool of an event loop that is gone
            _drop(current[1])
        self._loop_pool = (loop, pool)
        return pool

    def _async_engine(self) -> AsyncEngine:
        """SQLAlchemy over asyncpg for ``run()``, made on first use in the running loop."""
        if self.is_sqlite:
            raise StorageError("units of work on the event loop are for PostgreSQL")
        loop = asyncio.get_running_loop()
        current = self._loop_engine
        if current is not None and current[0] is loop:
            return current[1]
        if current is not None:  # an engine of an event loop that is gone
            _abandon(current[1])
        url = make_url(self.url).set(drivername="postgresql+asyncpg")
        engine = create_async_engine(
            url,
            echo=self.echo,
            pool_size=LOOP_POOL_SIZE,
            max_overflow=0,
            pool_timeout=LOOP_ACQUIRE_TIMEOUT_S,
        )
        _setup_asyncpg(engine.sync_engine)
        self._loop_engine = (loop, engine)
        return engine

    async def run(
        self, fn: Callable[Concatenate[Connection, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """``fn(conn, ...)`` as one unit of work on the event loop (PostgreSQL): the same
        synchronous code as in ``connection()``, its statements sent by asyncpg and each round
        trip awaited on this loop (SQLAlchemy's asyncio extension runs ``fn`` in a greenlet),
        so other updates go on meanwhile. Units opened inside ``fn`` join this one, as in
        ``connection()``; it commits when ``fn`` returns and rolls back when it raises.

        For the dialog steps that need more than the conversation row (a booking, the day
        list): on a thread they cost the hand-off and the threads' contention for the GIL on
        top of their work, about as much again (bench/telegram.py, docs/NOTES.md).
        """
        engine = self._async_engine()
        try:
            conn = await engine.connect().start()
        except Exception as exc:  # no connection: refused, timed out, server starting, pool full
            raise StorageError(f"database unavailable: {type(exc).__name__}") from exc
        try:
            async with conn.begin():
                return await conn.run_sync(self._as_unit, fn, args, kwargs)
        except SQLAlchemyError as exc:
            raise StorageError(f"database error: {type(exc).__name__}") from exc
        finally:
            await conn.close()

    def _as_unit(
        self,
        conn: Connection,
        fn: Callable[..., T],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> T:
        """In ``run()``'s greenlet: ``conn`` is the active unit of work while ``fn`` runs."""
        unit = _Unit(conn)
        token = self._current.set(unit)
        try:
            result = fn(conn, *args, **kwargs)
            if unit.orm is not None:
                unit.orm.flush()
            return result
        finally:
            if unit.orm is not None:
                unit.orm.close()
            self._current.reset(token)

    async def aclose(self) -> None:
        """Close the event loop's connections (before the loop ends; ``dispose`` also drops
        them, less politely)."""
        current, self._loop_pool = self._loop_pool, None
        if current is not None:
            if current[0] is asyncio.get_running_loop():
                await current[1].close()
            else:
                _drop(current[1])
        engine, self._loop_engine = self._loop_engine, None
        if engine is not None:
            if engine[0] is asyncio.get_running_loop():
                await engine[1].dispose()
            else:
                _abandon(engine[1])

    def dispose(self) -> None:
        """Close every pooled connection (at shutdown, and in a child process after fork)."""
        current, self._loop_pool = self._loop_pool, None
        if current is not None:
            _drop(current[1])
        engine, self._loop_engine = self._loop_engine, None
        if engine is not None:
            _abandon(engine[1])
        self.engine.dispose()


def _drop(pool: asyncpg.Pool) -> None:
    """Close an event loop's pool from outside that loop (it may have ended): the sockets are
    closed without goodbyes, and a loop that is gone cannot complain."""
    with contextlib.suppress(Exception):
        pool.terminate()


def _abandon(engine: AsyncEngine) -> None:
    """Let an event loop's engine go from outside that loop (it may have ended): its pool is
    replaced, and its connections are dropped unawaited, as ``_drop`` does for asyncpg's."""
    engine.sync_engine.dispose(close=False)


def null_pool_engine(url: str) -> Engine:
    """An engine without pooling, for one-off maintenance commands (migrations)."""
    return create_engine(_normalise_url(url), poolclass=NullPool)
