"""The retention purge's statements (UU 27/2022: personal data is kept only as long as the
office configured, then deleted); ``bot.retention`` runs them daily.

Each method is one batch in one unit of work: it pages by id (``after``, at most ``batch_size``
rows) so a large purge never holds SQLite's write lock, or many PostgreSQL row locks, for long.
The statements that change rows repeat the selection's condition and a "not removed yet"
condition (``storage.personal``), so two purges running at once, or one running twice, remove
each thing once. What is still in use is never selected: a submission staff have not decided
or not issued yet, a booking whose day is not past the cutoff, an open hand-off ticket and its
chat's conversation, a pending outbox job.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final

from sqlalchemy import ColumnElement, Connection, Table, and_, delete, or_, select

from storage.booking import BOOKING
from storage.db import Database
from storage.personal import (
    ERASED,
    ERASED_MARKER,
    PURGED,
    PURGED_MARKER,
    SubmissionRow,
    blank_bookings,
    booking_pending,
    document_pending,
    erase_submissions,
    erase_tickets,
    file_refs,
    revoke_documents,
    unreferenced,
)
from storage.staff import ATTEMPTS_KEPT
from storage.tables import (
    ATTEMPTS,
    CHECKINS,
    CONV,
    DOCS,
    JOBS,
    SESSIONS,
    SUBMISSIONS,
    TICKETS,
    UPDATES,
)

FINISHED: Final = ("issued", "rejected", "cancelled")
"""Submission statuses after which nothing more happens to a submission."""
BOOKED: Final = "booked"
"""A booking form's submission: it lives as long as its booking (and the bookings it was moved
to)."""
IN_USE: Final = ("received", "in_review", "approved")
"""Submission statuses staff still act on: never purged, nor their documents."""
FINISHED_JOBS: Final = ("done", "failed")
BATCH_SIZE: Final = 500


@dataclass(frozen=True, slots=True)
class Cutoff:
    """Where personal data's retention ends: what ended before it is removed."""

    at: datetime
    """Timestamps (UTC) before this are past their retention."""
    day: date
    """Booking and check-in days (office-local) before this are past their retention."""


@dataclass(frozen=True, slots=True)
class Batch:
    """What one batch removed, and where the next one starts."""

    count: int
    """Records changed or deleted."""
    after: int | None
    """The id to continue after; ``None`` when nothing is left."""
    files: frozenset[str] = field(default_factory=frozenset)
    """Uploaded files the removed records named (deleted by the caller if nothing else names
    them: ``unreferenced``)."""


class RetentionStore:
    """The purge's batches on one database."""

    def __init__(self, db: Database, *, batch_size: int = BATCH_SIZE) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self._db = db
        self._size = batch_size

    def _page(
        self, conn: Connection, table: Table, condition: ColumnElement[bool], after: int
    ) -> tuple[list[int], int | None]:
        """Ids of the next batch matching ``condition``, and where the batch after starts."""
        ids = [
            int(row.id)
            for row in conn.execute(
                select(table.c.id)
                .where(table.c.id > after, condition)
                .order_by(table.c.id)
                .limit(self._size)
            )
        ]
        return ids, (ids[-1] if len(ids) == self._size else None)

    def _delete(self, table: Table, condition: ColumnElement[bool], after: int) -> Batch:
        """Delete one batch of the rows matching ``condition``."""
        with self._db.session() as session:
            conn = session.connection()
            ids, nxt = self._page(conn, table, condition, after)
            if not ids:
                return Batch(0, None)
            stmt = delete(table).where(table.c.id.in_(ids), condition).returning(table.c.id)
            return Batch(len(conn.execute(stmt).all()), nxt)

    # -- submissions and what belongs to them ----------------------------------------------------

    def submissions(self, cutoff: Cutoff, *, after: int, now: datetime) -> Batch:
        """Submissions that reached a final state before the cutoff: answers replaced (the row
        keeps its reference; status ``purged``), the chat forgotten, the KK data staff completed
        and the reasons of review decisions deleted. A booking form's submission waits until
        its booking, and any booking it was moved to, is past the cutoff. A submission erased on
        request (no answers left) only forgets its chat."""
        finished = and_(
            SUBMISSIONS.c.updated_at < cutoff.at, SUBMISSIONS.c.status.in_((*FINISHED, BOOKED))
        )
        erased = and_(
            SUBMISSIONS.c.updated_at < cutoff.at,
            SUBMISSIONS.c.status == ERASED,
            SUBMISSIONS.c.chat_id != "",
        )
        with self._db.session() as session:
            conn = session.connection()
            rows = conn.execute(
                select(
                    SUBMISSIONS.c.id,
                    SUBMISSIONS.c.reference,
                    SUBMISSIONS.c.status,
                    SUBMISSIONS.c.answers,
                )
                .where(SUBMISSIONS.c.id > after, or_(finished, erased))
                .order_by(SUBMISSIONS.c.id)
                .limit(self._size)
            ).all()
            if not rows:
                return Batch(0, None)
            nxt = rows[-1].id if len(rows) == self._size else None
            kept = _kept_bookings(conn, [r.reference for r in rows if r.status == BOOKED], cutoff)
            done = [
                SubmissionRow(r.id, r.reference, r.answers)
                for r in rows
                if r.status != ERASED and r.reference not in kept
            ]
            gone = [SubmissionRow(r.id, r.reference, r.answers) for r in rows if r.status == ERASED]
            purged, files = erase_submissions(
                conn,
                done,
                status=PURGED,
                marker=PURGED_MARKER,
                at=now,
                unlink=True,
                where=finished,
            )
            unlinked, more = erase_submissions(
                conn, gone, status=ERASED, marker=ERASED_MARKER, at=now, unlink=True, where=erased
            )
        return Batch(len(purged) + len(unlinked), nxt, frozenset(files | more))

    def documents(self, cutoff: Cutoff, *, after: int) -> Batch:
        """Documents issued before the cutoff (revoked, PDF emptied, holder, email and file name
        blanked, chat forgotten), unless their submission is still in use or their booking's
        day is not past the cutoff."""
        in_use = (
            select(SUBMISSIONS.c.id)
            .where(SUBMISSIONS.c.reference == DOCS.c.reference, SUBMISSIONS.c.status.in_(IN_USE))
            .exists()
        )
        booking_kept = (
            select(BOOKING.c.id)
            .where(BOOKING.c.code == DOCS.c.reference, BOOKING.c.day >= cutoff.day)
            .exists()
        )
        condition = and_(
            DOCS.c.issued_at < cutoff.at,
            ~in_use,
            ~booking_kept,
            document_pending(unlink=True),
        )
        with self._db.session() as session:
            conn = session.connection()
            ids, nxt = self._page(conn, DOCS, condition, after)
            if not ids:
                return Batch(0, None)
            count = revoke_documents(conn, and_(DOCS.c.id.in_(ids), condition), unlink=True)
        return Batch(count, nxt)

    def bookings(self, cutoff: Cutoff, *, after: int, now: datetime) -> Batch:
        """Bookings whose day is before the cutoff: NIK, name and chat blanked (the row, its
        code, day and queue number stay, and so do the day's counters)."""
        condition = and_(BOOKING.c.day < cutoff.day, booking_pending(unlink=True))
        with self._db.session() as session:
            conn = session.connection()
            ids, nxt = self._page(conn, BOOKING, condition, after)
            if not ids:
                return Batch(0, None)
            where = and_(BOOKING.c.id.in_(ids), BOOKING.c.day < cutoff.day)
            codes = blank_bookings(conn, where, at=now, unlink=True)
        return Batch(len(codes), nxt)

    def checkins(self, cutoff: Cutoff, *, after: int) -> Batch:
        """Door check-ins (a body temperature) of days before the cutoff."""
        return self._delete(CHECKINS, CHECKINS.c.day < cutoff.day, after)

    def tickets(self, cutoff: Cutoff, *, after: int, now: datetime) -> Batch:
        """Hand-off tickets closed before the cutoff: messages deleted, context replaced, chat
        forgotten (open tickets are never touched)."""
        condition = and_(
            TICKETS.c.status == "closed",
            TICKETS.c.closed_at < cutoff.at,
            TICKETS.c.chat_ref != "",
        )
        with self._db.session() as session:
            conn = session.connection()
            ids, nxt = self._page(conn, TICKETS, condition, after)
            if not ids:
                return Batch(0, None)
            changed = erase_tickets(
                conn,
                and_(TICKETS.c.id.in_(ids), condition),
                marker=PURGED_MARKER,
                at=now,
                unlink=True,
            )
        return Batch(len(changed), nxt)

    # -- chats and housekeeping -------------------------------------------------------------------

    def conversations(self, cutoff: Cutoff, *, after: int) -> Batch:
        """Conversations idle since before the cutoff (their drafts hold answers), unless the
        chat has an open hand-off ticket. Returns the files their drafts named."""
        open_ticket = (
            select(TICKETS.c.id)
            .where(
                TICKETS.c.status == "open",
                TICKETS.c.chat_ref == CONV.c.channel.concat(":").concat(CONV.c.chat_id),
            )
            .exists()
        )
        condition = and_(CONV.c.updated_at < cutoff.at, ~open_ticket)
        with self._db.session() as session:
            conn = session.connection()
            ids, nxt = self._page(conn, CONV, condition, after)
            if not ids:
                return Batch(0, None)
            # RETURNING gives the state of the rows this statement deleted, and only those.
            states = conn.execute(
                delete(CONV).where(CONV.c.id.in_(ids), condition).returning(CONV.c.state)
            ).all()
        files: set[str] = set()
        for (state,) in states:
            files |= file_refs(state)
        return Batch(len(states), nxt, frozenset(files))

    def updates(self, cutoff: Cutoff, *, after: int) -> Batch:
        """Records of applied updates (only for recognising a redelivery) older than the
        cutoff."""
        return self._delete(UPDATES, UPDATES.c.processed_at < cutoff.at, after)

    def jobs(self, cutoff: Cutoff, *, after: int) -> Batch:
        """Outbox jobs done or given up before the cutoff (their payloads can name an email
        address or a chat); pending ones are never touched."""
        condition = and_(JOBS.c.status.in_(FINISHED_JOBS), JOBS.c.created_at < cutoff.at)
        return self._delete(JOBS, condition, after)

    def staff_sign_ins(self, now: datetime) -> int:
        """Sign-in attempts past their throttling day and expired staff sessions (both are also
        dropped when someone signs in; this catches the quiet weeks)."""
        with self._db.session() as session:
            conn = session.connection()
            attempts = conn.execute(
                delete(ATTEMPTS).where(ATTEMPTS.c.at < now - ATTEMPTS_KEPT).returning(ATTEMPTS.c.id)
            ).all()
            sessions = conn.execute(
                delete(SESSIONS).where(SESSIONS.c.expires_at < now).returning(SESSIONS.c.id)
            ).all()
        return len(attempts) + len(sessions)

    def unreferenced(self, refs: Collection[str]) -> set[str]:
        """Those of ``refs`` that nothing kept names any more (safe to delete)."""
        ordered: Sequence[str] = sorted(refs)
        left: set[str] = set()
        for start in range(0, len(ordered), self._size):
            with self._db.session() as session:
                left |= unreferenced(session.connection(), ordered[start : start + self._size])
        return left


def _kept_bookings(conn: Connection, codes: Sequence[str], cutoff: Cutoff) -> set[str]:
    """Those of ``codes`` (bookings' codes, a booking form's submission references) whose
    booking, or a booking it was moved to, is on a day not past the cutoff."""
    origin = {code: code for code in codes}
    frontier = set(codes)
    kept: set[str] = set()
    while frontier:
        rows = conn.execute(
            select(BOOKING.c.code, BOOKING.c.previous_code, BOOKING.c.day).where(
                or_(BOOKING.c.code.in_(frontier), BOOKING.c.previous_code.in_(frontier))
            )
        ).all()
        frontier = set()
        for row in rows:
            root = origin.get(row.code) or origin.get(row.previous_code or "")
            if root is None:
                continue
            if row.day >= cutoff.day:
                kept.add(root)
            if row.code not in origin:
                origin[row.code] = root
                frontier.add(row.code)
    return kept
