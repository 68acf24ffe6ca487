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

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool
from sqlmodel import Session

from storage.errors import StorageError

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
        conn.exec_driver_sql("BEGIN IMMEDIATE")


@dataclass
class Database:
    """One database: its engine and a unit-of-work factory. Built once by the composition root."""

    url: str
    echo: bool = False
    engine: Engine = field(init=False)
    _current: ContextVar[Session | None] = field(init=False, repr=False)
    _writer: threading.Lock | None = field(init=False, repr=False, default=None)

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
                pool_pre_ping=True,
            )

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        """Whether this is the embedded SQLite default."""
        return self.dialect == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits when the block ends normally, rolls back on an exception.

        Opened while another unit of work is active in the same thread (or task), it joins that
        one as a savepoint: its changes commit or roll back with the outer unit. That is how a
        dialog step records a booking, the submission and the conversation state atomically,
        while each adapter still declares its own unit of work. (On SQLite a second
        transaction would also wait forever for the write lock the outer one holds.)

        Driver errors are wrapped in ``StorageError``; domain exceptions pass through unchanged.
        """
        outer = self._current.get()
        if outer is not None:
            try:
                with outer.begin_nested():
                    yield outer
            except SQLAlchemyError as exc:
                raise StorageError(f"database error: {type(exc).__name__}") from exc
            return
        writer = self._writer
        if writer is not None and not writer.acquire(timeout=SQLITE_WRITER_WAIT_S):
            raise StorageError("database busy: the write lock was not free in time")
        session = Session(self.engine, expire_on_commit=False)
        token = self._current.set(session)
        try:
            with session.begin():
                yield session
        except SQLAlchemyError as exc:
            raise StorageError(f"database error: {type(exc).__name__}") from exc
        finally:
            self._current.reset(token)
            session.close()
            if writer is not None:
                writer.release()

    def dispose(self) -> None:
        """Close every pooled connection (at shutdown, and in a child process after fork)."""
        self.engine.dispose()


def null_pool_engine(url: str) -> Engine:
    """An engine without pooling, for one-off maintenance commands (migrations)."""
    return create_engine(_normalise_url(url), poolclass=NullPool)
