"""Statements that remove personal data, shared by a citizen's erasure (``/hapusdata``,
``bot.erasure``) and the retention purge (``storage.retention``).

Each runs in the caller's transaction and carries its own "not removed yet" condition in its
``WHERE`` clause, so running it again, or in two processes at once, changes nothing the second
time (on PostgreSQL a concurrent ``UPDATE``/``DELETE`` re-checks the condition on the row it
waited for; on SQLite writers take turns).

Uploaded files are content-addressed (``storage.files``): the same photo sent twice, or by two
members of one family, is one file. ``unreferenced`` tells which files no kept submission or
conversation names any more, and only those may be deleted.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import (
    ColumnElement,
    Connection,
    Text,
    and_,
    case,
    cast,
    delete,
    func,
    not_,
    or_,
    select,
    true,
    update,
)

from booking.models import BookingStatus
from storage.booking import BOOKING
from storage.outbox import enqueue_on
from storage.tables import (
    CHECKINS,
    CONV,
    DOCS,
    FAMILY_CARDS,
    MESSAGES,
    REVIEWS,
    SUBMISSIONS,
    TICKETS,
)

ERASED_NAME: Final = "(dihapus)"
"""The holder name an erased document or booking keeps."""
ERASED_FILENAME: Final = "dihapus.pdf"
"""The file name an erased document keeps (its own could name a KK number)."""
ERASED: Final = "erased"
"""The status of a submission erased on the citizen's request."""
PURGED: Final = "purged"
"""The status of a submission whose data the retention purge removed."""
DATA_GONE: Final = (ERASED, PURGED)
"""Submission statuses whose answers were removed."""
ERASED_MARKER: Final = {"erased": True}
"""What the answers of a submission (the context of a ticket) erased on request become."""
PURGED_MARKER: Final = {"purged": True}
"""What they become when the retention purge removed them."""
FILE_PREFIX: Final = "file:"
FORGET_TOPIC_KIND: Final = "handoff.forget_topic"
"""Outbox job: delete an erased ticket's topic in the staff group (``bot.handoff``)."""
_CHUNK: Final = 50
"""File references looked up per statement (one ``LIKE`` each)."""


@dataclass(frozen=True, slots=True)
class SubmissionRow:
    """A submission about to be erased, as read in the same transaction."""

    id: int
    reference: str
    answers: Any
    """Its answers before erasure: the file references in them are collected."""


def file_refs(value: Any) -> set[str]:
    """Every uploaded file's reference (``file:<sha256>``) nested in answers or in a
    conversation's state (drafts and group items included)."""
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("ref")
            if isinstance(ref, str) and ref.startswith(FILE_PREFIX):
                found.add(ref)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def erase_submissions(
    conn: Connection,
    rows: Sequence[SubmissionRow],
    *,
    status: str,
    marker: dict[str, Any],
    at: datetime,
    unlink: bool = False,
    where: ColumnElement[bool] | None = None,
) -> tuple[list[str], set[str]]:
    """Replace the answers of ``rows`` by ``marker`` and set ``status``; delete the KK data staff
    completed for them and the free-text reasons of their review decisions (the decision, who
    and when, stays). ``unlink`` also forgets the chat; ``where`` re-checks the caller's
    condition in the same statement.

    Returns the references erased and the files their answers named (of the rows this call
    changed: a concurrent run that got there first leaves nothing here).
    """
    if not rows:
        return [], set()
    stmt = update(SUBMISSIONS).where(SUBMISSIONS.c.id.in_([r.id for r in rows]))
    if where is not None:
        stmt = stmt.where(where)
    values: dict[str, Any] = {"answers": dict(marker), "status": status, "updated_at": at}
    if unlink:
        values["chat_id"] = ""
    changed = {r.id for r in conn.execute(stmt.values(**values).returning(SUBMISSIONS.c.id))}
    erased = [r for r in rows if r.id in changed]
    references = [r.reference for r in erased]
    files: set[str] = set()
    for row in erased:
        files |= file_refs(row.answers)
    if references:
        conn.execute(delete(FAMILY_CARDS).where(FAMILY_CARDS.c.reference.in_(references)))
        conn.execute(
            update(REVIEWS)
            .where(REVIEWS.c.reference.in_(references), REVIEWS.c.reason.is_not(None))
            .values(reason=None)
        )
    return references, files


def document_pending(*, unlink: bool = False) -> ColumnElement[bool]:
    """Documents ``revoke_documents`` would still change."""
    pending = or_(DOCS.c.status != "revoked", DOCS.c.holder_name != ERASED_NAME)
    return or_(pending, DOCS.c.chat_ref != "") if unlink else pending


def booking_pending(*, unlink: bool = False) -> ColumnElement[bool]:
    """Bookings ``blank_bookings`` would still change."""
    pending = or_(BOOKING.c.nik != "", BOOKING.c.holder_name != ERASED_NAME)
    return or_(pending, BOOKING.c.chat_ref != "") if unlink else pending


def revoke_documents(conn: Connection, where: ColumnElement[bool], *, unlink: bool = False) -> int:
    """Revoke the documents ``where`` selects that still hold anything: the PDF emptied, the
    holder's name, email and the file name (a KK's names its number) blanked; ``unlink`` also
    forgets the chat. Returns how many changed."""
    values: dict[str, Any] = {
        "status": "revoked",
        "pdf": b"",
        "holder_name": ERASED_NAME,
        "email": None,
        "filename": ERASED_FILENAME,
    }
    if unlink:
        values["chat_ref"] = ""
    stmt = (
        update(DOCS)
        .where(where, document_pending(unlink=unlink))
        .values(**values)
        .returning(DOCS.c.id)
    )
    return len(conn.execute(stmt).all())


def erase_tickets(
    conn: Connection,
    where: ColumnElement[bool],
    *,
    marker: dict[str, Any],
    at: datetime,
    unlink: bool = False,
) -> list[int]:
    """Close the tickets ``where`` selects, replace their context (the answers so far, masked)
    by ``marker`` and delete their messages; ``unlink`` also forgets the chat. Their topics in
    the staff group hold the same conversation: a ``FORGET_TOPIC_KIND`` job per topic deletes
    it there (the worker, through the staff channel). Returns the tickets changed."""
    topics = {
        row.id: row.topic_id
        for row in conn.execute(select(TICKETS.c.id, TICKETS.c.topic_id).where(where))
    }
    if not topics:
        return []
    values: dict[str, Any] = {
        "status": "closed",
        "context": dict(marker),
        "closed_at": func.coalesce(TICKETS.c.closed_at, at),
        "topic_id": None,
    }
    if unlink:
        values["chat_ref"] = ""
    stmt = (
        update(TICKETS)
        .where(TICKETS.c.id.in_(list(topics)), where)
        .values(**values)
        .returning(TICKETS.c.id)
    )
    ids = [row.id for row in conn.execute(stmt)]
    if ids:
        conn.execute(delete(MESSAGES).where(MESSAGES.c.ticket_id.in_(ids)))
    for ticket_id in ids:
        topic_id = topics.get(ticket_id)
        if topic_id is not None:
            enqueue_on(
                conn,
                FORGET_TOPIC_KIND,
                {"topic": int(topic_id)},
                key=f"topic:{ticket_id}:{topic_id}",
            )
    return ids


def blank_bookings(
    conn: Connection, where: ColumnElement[bool], *, at: datetime, unlink: bool = False
) -> list[str]:
    """Remove the NIK and the name from the bookings ``where`` selects; ``unlink`` also forgets
    the chat. Returns their codes.

    A booking still active becomes ``expired``: it keeps counting in its day's places
    (``booking.models.HOLDING_STATUSES``), so the counters stay right, and the one-active-
    booking-per-NIK index never sees two blank NIKs. Callers cancel what must free its place
    first.
    """
    values: dict[str, Any] = {
        "nik": "",
        "holder_name": ERASED_NAME,
        "status": case(
            (BOOKING.c.status == BookingStatus.ACTIVE.value, BookingStatus.EXPIRED.value),
            else_=BOOKING.c.status,
        ),
        "updated_at": at,
    }
    if unlink:
        values["chat_ref"] = ""
    stmt = (
        update(BOOKING)
        .where(where, booking_pending(unlink=unlink))
        .values(**values)
        .returning(BOOKING.c.code)
    )
    return [row.code for row in conn.execute(stmt)]


def delete_checkins(conn: Connection, codes: Collection[str]) -> int:
    """Delete the door check-ins (a body temperature: health data) of these bookings."""
    if not codes:
        return 0
    stmt = delete(CHECKINS).where(CHECKINS.c.booking_code.in_(list(codes)))
    return len(conn.execute(stmt.returning(CHECKINS.c.id)).all())


def unreferenced(
    conn: Connection, refs: Iterable[str], *, except_chat: tuple[str, str] | None = None
) -> set[str]:
    """Those of ``refs`` that no submission with answers and no conversation (other than
    ``except_chat``, ``(channel, chat_id)``, whose drafts are being erased) names any more."""
    left = {ref for ref in refs if ref.startswith(FILE_PREFIX)}
    other_chats: ColumnElement[bool] = true()
    if except_chat is not None:
        other_chats = not_(and_(CONV.c.channel == except_chat[0], CONV.c.chat_id == except_chat[1]))
    for column, condition in (
        (SUBMISSIONS.c.answers, SUBMISSIONS.c.status.not_in(DATA_GONE)),
        (CONV.c.state, other_chats),
    ):
        pending = sorted(left)
        for start in range(0, len(pending), _CHUNK):
            chunk = [ref for ref in pending[start : start + _CHUNK] if ref in left]
            if not chunk:
                continue
            # The JSON as text contains the reference; the match is confirmed on the value.
            named = or_(
                *(cast(column, Text).like(f"%{ref.removeprefix(FILE_PREFIX)}%") for ref in chunk)
            )
            for (value,) in conn.execute(select(column).where(condition, named)):
                left -= file_refs(value)
    return left
