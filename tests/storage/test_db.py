"""The unit of work on SQLite: writers of one process queue for the file's write lock in order
(not in SQLite's sleeping busy handler), and a lock held too long gives a storage error."""

from __future__ import annotations

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
