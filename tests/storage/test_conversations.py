"""The conversation rows' hot statements, which run on the driver directly (``storage.driver``):
they must store exactly what SQLAlchemy's own execution stores, read it back the same, and turn
driver errors into ``StorageError``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

import storage.conversations as conversations_module
from storage.conversations import ConversationStore
from storage.db import Database
from storage.errors import StorageError
from storage.tables import CONV, UPDATES

AT = datetime(2026, 12, 1, 2, 3, 4, 567891, tzinfo=UTC)
STATE: dict[str, Any] = {
    "active": "ktp_recording",
    "drafts": {"ktp_recording": {"answers": {"nama": "Siti Ñ. Rahayu 🙂", "n": [1, 2.5, None]}}},
    "handoff": None,
}


@pytest.fixture
def rows(db: Database, monkeypatch: pytest.MonkeyPatch) -> ConversationStore:
    monkeypatch.setattr(conversations_module, "utcnow", lambda: AT)
    return ConversationStore(db.dialect)


def _raw(db: Database, table: sa.Table, where: Any) -> dict[str, Any]:
    """The row as the database keeps it: JSON and timestamps as text on SQLite."""
    columns = [
        sa.cast(c, sa.Text) if isinstance(c.type, sa.JSON | sa.DateTime) else c
        for c in table.c
        if c.name != "id"
    ]
    with db.engine.connect() as conn:
        return dict(conn.execute(sa.select(*columns).where(where)).mappings().one())


def test_a_saved_row_is_stored_as_sqlalchemy_stores_it(
    db: Database, rows: ConversationStore
) -> None:
    with db.connection() as conn:
        row = rows.lock(conn, "telegram", "1", "id")
        row.state, row.lang = STATE, "en"
        rows.save(conn, row, form_id="ktp_recording")
        other = rows.lock(conn, "telegram", "2", "id")
        conn.execute(  # the same values through SQLAlchemy's execution
            sa.update(CONV)
            .where(CONV.c.id == other.id)
            .values(lang="en", form_id="ktp_recording", state=STATE, version=1, updated_at=AT)
        )
    driver = _raw(db, CONV, CONV.c.chat_id == "1")
    core = _raw(db, CONV, CONV.c.chat_id == "2")
    assert {**driver, "chat_id": "2"} == core
    assert driver["version"] == 1


def test_a_row_reads_back_as_it_was_saved(db: Database, rows: ConversationStore) -> None:
    with db.connection() as conn:
        row = rows.lock(conn, "telegram", "1", "en")
        assert (row.lang, row.state, row.version) == ("en", {"active": None, "drafts": {}}, 0)
        row.state = STATE
        rows.save(conn, row, form_id="ktp_recording")
    with db.connection() as conn:
        again = rows.lock(conn, "telegram", "1", "id")
    assert (again.id, again.lang, again.state, again.version) == (row.id, "en", STATE, 1)
    with db.session() as session:
        loaded = rows.load(session.connection(), "telegram", "1")  # SQLAlchemy's reading
    assert loaded == again
    stamps = _raw(db, CONV, CONV.c.chat_id == "1")
    with db.engine.connect() as conn:
        updated = conn.execute(sa.select(CONV.c.updated_at)).scalar_one()
    assert updated.replace(tzinfo=updated.tzinfo or UTC) == AT
    assert stamps["created_at"] == stamps["updated_at"]


def test_a_redelivered_update_is_recognised_and_stored_as_sqlalchemy_stores_it(
    db: Database, rows: ConversationStore
) -> None:
    with db.connection() as conn:
        assert rows.first_delivery(conn, "telegram", 7)
        assert not rows.first_delivery(conn, "telegram", 7)
        assert rows.first_delivery(conn, "web", 7)
        conn.execute(sa.insert(UPDATES).values(channel="x", update_id=7, processed_at=AT))
    driver = _raw(db, UPDATES, UPDATES.c.channel == "telegram")
    core = _raw(db, UPDATES, UPDATES.c.channel == "x")
    assert {**driver, "channel": "x"} == core


def test_a_driver_error_becomes_a_storage_error_and_the_step_is_undone(
    db: Database, rows: ConversationStore
) -> None:
    def step() -> None:
        with db.connection() as conn:
            assert rows.first_delivery(conn, "telegram", 1)
            row = rows.lock(conn, "telegram", "1", "id")
            row.lang = None  # type: ignore[assignment] # NOT NULL
            rows.save(conn, row, form_id=None)

    with pytest.raises(StorageError):
        step()
    with db.connection() as conn:
        assert rows.first_delivery(conn, "telegram", 1)  # rolled back with the step


def test_a_state_that_is_not_json_becomes_a_storage_error(
    db: Database, rows: ConversationStore
) -> None:
    def step() -> None:
        with db.connection() as conn:
            row = rows.lock(conn, "telegram", "1", "id")
            row.state = {"when": object()}
            rows.save(conn, row, form_id=None)

    with pytest.raises(StorageError):
        step()
