"""The conversation rows: lock one chat's row, save it, and recognise a redelivered update.

This is the hot path of every step, so it uses prebuilt Core statements (compiled once and cached
by SQLAlchemy) rather than ORM objects: a step is one ``SELECT ... FOR UPDATE`` (on SQLite the
transaction already holds the write lock from ``BEGIN IMMEDIATE``) and one ``UPDATE``; a new chat
adds one ``INSERT ... ON CONFLICT DO NOTHING``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from storage.models import utcnow
from storage.tables import CONV, UPDATES


@dataclass
class ConversationRow:
    """One chat's row as loaded for a step."""

    id: int
    lang: str
    state: dict[str, Any]
    version: int


class ConversationStore:
    """Statements on the ``conversation`` and ``processed_update`` tables for one dialect."""

    def __init__(self, dialect: str) -> None:
        insert = sqlite_insert if dialect == "sqlite" else pg_insert
        self._peek = select(CONV.c.id, CONV.c.lang, CONV.c.state, CONV.c.version).where(
            CONV.c.channel == bindparam("channel"), CONV.c.chat_id == bindparam("chat_id")
        )
        self._select = self._peek if dialect == "sqlite" else self._peek.with_for_update()
        self._create = insert(CONV).on_conflict_do_nothing(index_elements=["channel", "chat_id"])
        self._save = (
            update(CONV)
            .where(CONV.c.id == bindparam("row_id"))
            .values(
                lang=bindparam("lang"),
                form_id=bindparam("form_id"),
                state=bindparam("state"),
                version=bindparam("version"),
                updated_at=bindparam("now"),
            )
        )
        self._seen = (
            insert(UPDATES)
            .on_conflict_do_nothing(index_elements=["channel", "update_id"])
            .returning(UPDATES.c.id)
        )

    def first_delivery(self, conn: Connection, channel: str, update_id: int) -> bool:
        """Record ``update_id`` as applied; ``False`` when it already was (a redelivery)."""
        params = {"channel": channel, "update_id": update_id, "processed_at": utcnow()}
        # RETURNING tells whether the row was new on both databases (psycopg's rowcount is -1).
        return conn.execute(self._seen, params).first() is not None

    def lock(self, conn: Connection, channel: str, chat_id: str, lang: str) -> ConversationRow:
        """The chat's row, created if new, locked until the transaction ends."""
        key = {"channel": channel, "chat_id": chat_id}
        row = conn.execute(self._select, key).first()
        if row is None:
            now = utcnow()
            conn.execute(
                self._create,
                {
                    **key,
                    "lang": lang,
                    "state": {"active": None, "drafts": {}},
                    "version": 0,
                    "created_at": now,
                    "updated_at": now,
                },
            )
            row = conn.execute(self._select, key).one()
        return _conversation(row)

    def save(self, conn: Connection, row: ConversationRow, *, form_id: str | None) -> None:
        """Write the row back (its version goes up by one)."""
        row.version += 1
        conn.execute(
            self._save,
            {
                "row_id": row.id,
                "lang": row.lang,
                "form_id": form_id,
                "state": row.state,
                "version": row.version,
                "now": utcnow(),
            },
        )

    def load(self, conn: Connection, channel: str, chat_id: str) -> ConversationRow | None:
        """The chat's row without locking it (for reading only)."""
        row = conn.execute(self._peek, {"channel": channel, "chat_id": chat_id}).first()
        return None if row is None else _conversation(row)


def _conversation(row: Any) -> ConversationRow:
    return ConversationRow(
        id=row.id, lang=row.lang, state=dict(row.state or {}), version=row.version
    )
