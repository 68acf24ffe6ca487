"""The unit of work on SQLite: writers of one process queue for the file's write lock in order
(not in SQLite's sleeping busy handler), and a lock held too long gives a storage error."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

import storage.db as db_module
from storage.db import Database
from storage.errors import StorageError


def _counter_db(tmp_path: Path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'lock.sqlite3'}")
    with db.session() as session:
        session.connection().exec_driver_sql("CREATE TABLE counter (n INTEGER NOT NULL)")
        session.connection().exec_driver_sql("INSERT INTO counter VALUES (0)")
    return db


def test_threads_of_one_process_take_turns_without_losing_a_write(tmp_path: Path) -> None:
    db = _counter_db(tmp_path)
    threads, rounds = 8, 40

    def work() -> None:
        for _ in range(rounds):
            with db.session() as session:
                conn = session.connection()
                n = conn.execute(sa.text("SELECT n FROM counter")).scalar_one()
                time.sleep(0.0005)  # read-modify-write with a gap: lost updates would show
                conn.execute(sa.text("UPDATE counter SET n = :n"), {"n": n + 1})

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    with db.session() as session:
        total = session.connection().execute(sa.text("SELECT n FROM counter")).scalar_one()
    db.dispose()
    assert total == threads * rounds


def test_a_writer_that_waits_too_long_gets_a_storage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = _counter_db(tmp_path)
    monkeypatch.setattr(db_module, "SQLITE_WRITER_WAIT_S", 0.2)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with db.session():
            holding.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(5)
        with pytest.raises(StorageError, match="busy"), db.session():
            pass
    finally:
        release.set()
        holder.join()
    with db.session() as session:  # free again
        assert session.connection().execute(sa.text("SELECT n FROM counter")).scalar_one() == 0
    db.dispose()


def test_nested_units_of_work_do_not_wait_for_themselves(tmp_path: Path) -> None:
    db = _counter_db(tmp_path)
    with db.session() as outer, db.session() as inner:
        assert inner is outer
        inner.connection().execute(sa.text("UPDATE counter SET n = 5"))
    with db.session() as session:
        assert session.connection().execute(sa.text("SELECT n FROM counter")).scalar_one() == 5
    db.dispose()


# -- the connection-level unit of work (dialog steps) ---------------------------------------------


def _n(db: Database) -> int:
    with db.connection() as conn:
        return int(conn.execute(sa.text("SELECT n FROM counter")).scalar_one())


def _set_then_fail(db: Database, n: int, *, unit: str = "connection") -> None:
    """Set the counter in a unit of that kind, then fail."""
    if unit == "connection":
        with db.connection() as conn:
            conn.execute(sa.text("UPDATE counter SET n = :n"), {"n": n})
            raise RuntimeError
    with db.session(savepoint=unit != "joined") as session:
        session.connection().execute(sa.text("UPDATE counter SET n = :n"), {"n": n})
        raise RuntimeError


def test_a_connection_unit_commits_or_rolls_back_like_a_session(tmp_path: Path) -> None:
    db = _counter_db(tmp_path)
    with db.connection() as conn:
        conn.execute(sa.text("UPDATE counter SET n = 1"))
    assert _n(db) == 1
    with pytest.raises(RuntimeError):
        _set_then_fail(db, 2)
    assert _n(db) == 1
    with pytest.raises(StorageError), db.connection() as conn:
        conn.execute(sa.text("UPDATE nowhere SET n = 3"))
    db.dispose()


def test_units_inside_a_connection_unit_join_it(tmp_path: Path) -> None:
    db = _counter_db(tmp_path)
    statements: list[str] = []
    sa.event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with db.connection() as conn:
        with db.session(savepoint=False) as session:  # made on first use, on the same connection
            assert session.connection() is conn
            session.connection().execute(sa.text("UPDATE counter SET n = 4"))
        with db.connection(savepoint=False) as joined:
            assert joined is conn
        with pytest.raises(RuntimeError):
            _set_then_fail(db, 5, unit="session")  # in a savepoint, undone alone
    assert [s.split()[0] for s in statements] == ["UPDATE", "SAVEPOINT", "UPDATE", "ROLLBACK"]
    assert _n(db) == 4
    with pytest.raises(RuntimeError), db.connection():
        _set_then_fail(db, 6, unit="joined")  # no savepoint: the whole unit is undone
    assert _n(db) == 4
    db.dispose()


def test_a_busy_database_gives_a_storage_error_at_begin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``BEGIN IMMEDIATE`` goes to the driver directly; another process's lock still gives a
    storage error (here a second driver connection plays the other process)."""
    monkeypatch.setattr(db_module, "SQLITE_BUSY_TIMEOUT_MS", 50)
    db = _counter_db(tmp_path)
    other = sqlite3.connect(tmp_path / "lock.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StorageError, match="OperationalError"), db.connection():
            pass
        with pytest.raises(StorageError, match="OperationalError"), db.session() as session:
            session.connection()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert _n(db) == 0
    db.dispose()


@pytest.mark.postgres
def test_a_pooled_postgresql_connection_that_died_is_replaced_before_use(pg_url: str) -> None:
    """The check on taking a connection from the pool (it replaces ``pool_pre_ping``)."""
    import psycopg

    db = Database(pg_url)
    with db.connection() as conn:
        pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    for _ in range(50):  # the server ends the backend asynchronously
        time.sleep(0.02)
        with psycopg.connect(pg_url, autocommit=True) as admin:
            row = admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone()
        if row is None:
            break
    with db.connection() as conn:
        assert conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one() != pid
        assert conn.execute(sa.text("SELECT 1")).scalar_one() == 1
    with db.connection() as conn:  # a live connection passes the check and is kept
        again = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
    with db.connection() as conn:
        assert conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one() == again
    db.dispose()
