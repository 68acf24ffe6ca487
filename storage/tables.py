"""The tables as SQLAlchemy Core sees them, for the stores' hand-written statements.

One place for the handles (``SUBMISSIONS.c.status``) so that every store speaks of a table by
the same name; the models themselves live in ``storage.models`` and ``storage.staff_models``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.dml import Insert

from storage.models import (
    Conversation,
    IssuedDocument,
    OutboxJob,
    ProcessedUpdate,
    Submission,
    Ticket,
    TicketMessage,
)
from storage.staff_models import (
    AuditEntry,
    CheckIn,
    FamilyCardData,
    SigninAttempt,
    StaffAccount,
    StaffSession,
    SubmissionReview,
)

# SQLModel's classes do not declare ``__table__`` to type checkers.
SUBMISSIONS: Any = Submission.__table__  # type: ignore[attr-defined]
CONV: Any = Conversation.__table__  # type: ignore[attr-defined]
UPDATES: Any = ProcessedUpdate.__table__  # type: ignore[attr-defined]
DOCS: Any = IssuedDocument.__table__  # type: ignore[attr-defined]
JOBS: Any = OutboxJob.__table__  # type: ignore[attr-defined]
TICKETS: Any = Ticket.__table__  # type: ignore[attr-defined]
MESSAGES: Any = TicketMessage.__table__  # type: ignore[attr-defined]
ACCOUNTS: Any = StaffAccount.__table__  # type: ignore[attr-defined]
SESSIONS: Any = StaffSession.__table__  # type: ignore[attr-defined]
ATTEMPTS: Any = SigninAttempt.__table__  # type: ignore[attr-defined]
AUDIT: Any = AuditEntry.__table__  # type: ignore[attr-defined]
CHECKINS: Any = CheckIn.__table__  # type: ignore[attr-defined]
REVIEWS: Any = SubmissionReview.__table__  # type: ignore[attr-defined]
FAMILY_CARDS: Any = FamilyCardData.__table__  # type: ignore[attr-defined]


def insert_ignoring(dialect: str, table: Table, keys: list[str]) -> Insert:
    """``INSERT ... ON CONFLICT (keys) DO NOTHING`` on ``table`` for ``dialect`` (``sqlite`` or
    ``postgresql``), to be built once and run with each row's values."""
    insert = sqlite_insert if dialect == "sqlite" else pg_insert
    return insert(table).on_conflict_do_nothing(index_elements=keys)
