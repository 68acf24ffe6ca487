"""The transactional outbox: queue work in the caller's unit of work; claim, finish or retry it.

Claiming is atomic across workers: on PostgreSQL ``FOR UPDATE SKIP LOCKED`` lets several workers
take different jobs; on SQLite the unit of work's ``BEGIN IMMEDIATE`` already serialises them.
A claimed job is leased for a while; a worker that dies leaves it to be taken again once the
lease has run out (so work is done at least once; handlers are idempotent).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, func, or_, select, update

from storage.db import Database
from storage.models import utcnow
from storage.tables import JOBS, insert_ignoring

# Built once per dialect: building it for every job cost about as much as running it.
_ENQUEUE = {d: insert_ignoring(d, JOBS, ["key"]) for d in ("sqlite", "postgresql")}


@dataclass(frozen=True, slots=True)
class Job:
    """A claimed job."""

    id: int
    kind: str
    key: str
    payload: dict[str, Any]
    attempts: int
    """Attempts so far, this one included."""


def enqueue_on(
    conn: Connection,
    kind: str,
    payload: dict[str, Any],
    *,
    key: str,
    run_at: datetime | None = None,
) -> None:
    """Queue a job in ``conn``'s transaction; a job with the same ``key`` is queued once. For
    stores that change data and must leave work behind atomically (no ``Outbox`` at hand)."""
    now = utcnow()
    conn.execute(
        _ENQUEUE["sqlite" if conn.dialect.name == "sqlite" else "postgresql"],
        {
            "kind": kind,
            "key": key,
            "payload": payload,
            "status": "pending",
            "attempts": 0,
            "run_at": run_at or now,
            "created_at": now,
        },
    )


class Outbox:
    """Queue and take jobs on one database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def enqueue(
        self,
        conn: Connection,
        kind: str,
        payload: dict[str, Any],
        *,
        key: str,
        run_at: datetime | None = None,
    ) -> None:
        """Queue a job in the caller's transaction; a job with the same ``key`` is queued once."""
        enqueue_on(conn, kind, payload, key=key, run_at=run_at)

    def add(
        self, kind: str, payload: dict[str, Any], *, key: str, run_at: datetime | None = None
    ) -> None:
        """Queue a job in a unit of work of its own (or the one already open in this thread)."""
        with self._db.session() as session:
            self.enqueue(session.connection(), kind, payload, key=key, run_at=run_at)

    def claim(self, *, limit: int = 10, lease: timedelta = timedelta(minutes=5)) -> list[Job]:
        """Take up to ``limit`` due jobs for ``lease``."""
        now = utcnow()
        due = (
            select(JOBS.c.id)
            .where(
                JOBS.c.status == "pending",
                JOBS.c.run_at <= now,
                or_(JOBS.c.locked_until.is_(None), JOBS.c.locked_until < now),
            )
            .order_by(JOBS.c.run_at, JOBS.c.id)
            .limit(limit)
        )
        if not self._db.is_sqlite:
            due = due.with_for_update(skip_locked=True)
        with self._db.session() as session:
            conn = session.connection()
            ids = [row.id for row in conn.execute(due)]
            if not ids:
                return []
            rows = conn.execute(
                update(JOBS)
                .where(JOBS.c.id.in_(ids))
                .values(locked_until=now + lease, attempts=JOBS.c.attempts + 1)
                .returning(JOBS.c.id, JOBS.c.kind, JOBS.c.key, JOBS.c.payload, JOBS.c.attempts)
            ).all()
        return [Job(r.id, r.kind, r.key, dict(r.payload), r.attempts) for r in rows]

    def done(self, job: Job) -> None:
        """The job's work is done."""
        self._set(job, status="done", locked_until=None, done_at=utcnow(), last_error=None)

    def retry(self, job: Job, *, error: str, delay: timedelta) -> None:
        """The attempt failed; try again after ``delay``."""
        when = utcnow() + delay
        self._set(job, status="pending", locked_until=None, run_at=when, last_error=error[:300])

    def fail(self, job: Job, *, error: str) -> None:
        """Give up: the job is marked failed (visible to staff)."""
        self._set(job, status="failed", locked_until=None, last_error=error[:300])

    def _set(self, job: Job, **values: Any) -> None:
        with self._db.session() as session:
            session.connection().execute(
                update(JOBS).where(JOBS.c.id == bindparam("job_id")).values(**values),
                {"job_id": job.id},
            )

    def counts(self) -> dict[str, int]:
        """Jobs by status (for staff and tests)."""
        with self._db.session() as session:
            rows = session.connection().execute(
                select(JOBS.c.status, func.count()).group_by(JOBS.c.status)
            )
            return dict(rows.tuples().all())

    def failed(self, limit: int = 50) -> list[dict[str, Any]]:
        """Jobs given up on, newest first (shown to staff): kind, key, attempts, last error."""
        with self._db.session() as session:
            rows = session.connection().execute(
                select(JOBS.c.kind, JOBS.c.key, JOBS.c.attempts, JOBS.c.last_error, JOBS.c.run_at)
                .where(JOBS.c.status == "failed")
                .order_by(JOBS.c.id.desc())
                .limit(limit)
            )
            return [dict(r._mapping) for r in rows]

    def find(self, key: str) -> dict[str, Any] | None:
        """One job by key, as a plain mapping (for tests and staff views)."""
        with self._db.session() as session:
            row = session.connection().execute(select(JOBS).where(JOBS.c.key == key)).first()
        return dict(row._mapping) if row is not None else None
