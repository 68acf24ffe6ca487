"""A unit of work that must not wait (``Database.session(wait=False)``, for dialog steps run on
the event loop): it goes ahead when SQLite's write lock is free, and when a thread of this process
or another process holds the lock it raises ``WriterBusyError`` at once, having done nothing."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from storage.db import SQLITE_BUSY_TIMEOUT_MS, Database
from storage.errors import NeedsDatabase, WriterBusyError


def _db(tmp_path: Path) -> tuple[Database, Path]:
    path = tmp_path / "nowait.sqlite3"
    db = Database(f"sqlite:///{path}")
    with db.session() as session:
        session.connection().exec_driver_sql("CREATE TABLE counter (n INTEGER NOT NULL)")
        session.connection().exec_driver_sql("INSERT INTO counter VALUES (0)")
    return db, path


def _count(db: Database) -> int:
    with db.session() as session:
        return int(session.connection().execute(sa.text("SELECT n FROM counter")).scalar_one())


def _bump(db: Database, *, wait: bool) -> None:
    with db.session(wait=wait) as session:
        session.connection().exec_driver_sql("UPDATE counter SET n = n + 1")


def test_a_free_lock_is_taken_and_the_work_commits(tmp_path: Path) -> None:
    db, _ = _db(tmp_path)
    _bump(db, wait=False)
    _bump(db, wait=False)
    assert _count(db) == 2
    db.dispose()


def test_a_thread_holding_the_lock_makes_it_refuse_at_once(tmp_path: Path) -> None:
    db, _ = _db(tmp_path)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with db.session():
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(10)
    try:
        with pytest.raises(WriterBusyError):
            _bump(db, wait=False)
    finally:
        release.set()
        holder.join()
    assert _count(db) == 0  # nothing was done
    _bump(db, wait=False)  # and the lock is usable again
    assert _count(db) == 1
    db.dispose()


def test_another_process_holding_the_file_makes_it_refuse_without_sleeping(
    tmp_path: Path,
) -> None:
    """Another process's write lock (here another connection, which SQLite treats the same):
    with waiting, SQLite's busy handler would retry for 30 s and then fail with a plain storage
    error; without, WriterBusyError comes at once."""
    db, path = _db(tmp_path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(WriterBusyError):
            _bump(db, wait=False)
    finally:
        other.execute("ROLLBACK")
        other.close()
    _bump(db, wait=False)
    _bump(db, wait=True)
    assert _count(db) == 2
    with db.session() as session:  # the connection waits for the lock as usual again
        timeout = session.connection().exec_driver_sql("PRAGMA busy_timeout").scalar_one()
    assert timeout == SQLITE_BUSY_TIMEOUT_MS
    db.dispose()


def test_a_nested_unit_joins_the_outer_one_whatever_it_asks(tmp_path: Path) -> None:
    db, _ = _db(tmp_path)
    with db.session(wait=False) as outer:
        outer.connection().exec_driver_sql("UPDATE counter SET n = n + 1")
        _bump(db, wait=False)  # a savepoint of the outer unit, not a second transaction
    assert _count(db) == 2
    db.dispose()


def test_a_unit_opened_where_units_are_forbidden_stops_the_code(db: Database) -> None:
    """``without_units`` (a dialog step tried on the event loop): any unit of work opened in it
    raises ``NeedsDatabase``, which ``except Exception`` does not catch; outside it all is as
    before."""
    caught: list[BaseException] = []

    def adapter() -> None:
        try:
            with db.session():
                pass
        except Exception as exc:  # an adapter's broad handler must not swallow it
            caught.append(exc)

    with pytest.raises(NeedsDatabase), db.without_units():
        adapter()
    assert caught == []
    with pytest.raises(NeedsDatabase), db.without_units(), db.connection(savepoint=False):
        pass
    with db.connection() as conn:  # allowed again, and a forbidding block inside a unit too
        assert conn.exec_driver_sql("SELECT 1").scalar() == 1
        with pytest.raises(NeedsDatabase), db.without_units(), db.session():
            pass
        assert conn.exec_driver_sql("SELECT 2").scalar() == 2


def test_a_failed_inner_unit_is_undone_even_when_it_wrote_through_the_connection(
    db: Database,
) -> None:
    """An inner unit joins the outer one as a savepoint: when it fails and the outer unit goes
    on, what it wrote is undone, Core statements included (the ORM session used to emit the
    SAVEPOINT only when it was used itself)."""

    def failing_adapter() -> None:
        with db.connection() as inner:
            inner.execute(sa.text("INSERT INTO t_inner VALUES (2)"))
            raise LookupError

    with db.connection() as conn:
        conn.execute(sa.text("CREATE TEMPORARY TABLE IF NOT EXISTS t_inner (n INTEGER)"))
        conn.execute(sa.text("INSERT INTO t_inner VALUES (1)"))
        with pytest.raises(LookupError):
            failing_adapter()
        with db.connection(savepoint=False) as same:
            same.execute(sa.text("INSERT INTO t_inner VALUES (3)"))
        assert sorted(conn.execute(sa.text("SELECT n FROM t_inner")).scalars()) == [1, 3]
