"""A citizen's request to delete their data (UU 27/2022, PDP): ``/hapusdata``, after a confirmation.

Erased at once, in the dialog's unit of work: the answers of every submission of the chat (the
row stays with its reference and status, so staff can still see that something was submitted and
erased, without the data), their uploaded files and those of the conversation's drafts (unless
another chat's kept data names the same file), the KK data staff completed for them and the
reasons of review decisions, bookings (active ones cancelled and their places freed; every one
loses its NIK and name, and its check-ins), issued documents (revoked; their PDFs emptied, and
their file names, since a KK's carries its number), hand-off messages. The statements are shared
with the retention purge (``storage.personal``).
"""

from __future__ import annotations

import logging
from typing import Final

from sqlalchemy import Connection, select

from booking.errors import BookingError
from booking.service import BookingService
from bot import texts as X
from flows.protocol import Button, Reply
from flows.text import Lang
from storage.booking import BOOKING
from storage.files import FileStore
from storage.models import utcnow
from storage.personal import (
    ERASED,
    ERASED_MARKER,
    SubmissionRow,
    blank_bookings,
    delete_checkins,
    erase_submissions,
    erase_tickets,
    file_refs,
    revoke_documents,
    unreferenced,
)
from storage.tables import CONV, DOCS, SUBMISSIONS, TICKETS

log = logging.getLogger(__name__)

PREFIX: Final = "erase:"


class Erasure:
    """Deletes everything the office keeps about one chat, on the citizen's request."""

    def __init__(self, *, booking: BookingService, files: FileStore) -> None:
        self._booking = booking
        self._files = files

    def ask(self, lang: Lang) -> Reply:
        """The confirmation question."""
        return Reply(
            X.ERASE_ASK.get(lang),
            (
                (Button(X.ERASE_YES.get(lang), f"{PREFIX}yes"),),
                (Button(X.ERASE_NO.get(lang), f"{PREFIX}no"),),
            ),
            kind="question",
        )

    def tap(self, conn: Connection, chat_ref: str, data: str, lang: Lang) -> list[Reply]:
        """The answer to the confirmation (the dialog then clears the conversation's state)."""
        if data != f"{PREFIX}yes":
            return [Reply(X.ERASE_KEPT.get(lang))]
        counts = self.erase(conn, chat_ref)
        log.info(
            "data of a chat erased on request: %d submissions, %d bookings, %d documents",
            counts["submissions"],
            counts["bookings"],
            counts["documents"],
        )
        return [Reply(X.ERASE_DONE.get(lang))]

    def erase(self, conn: Connection, chat_ref: str) -> dict[str, int]:
        """Erase the chat's data; how many of each kind."""
        channel, _, chat_id = chat_ref.partition(":")
        at = utcnow()
        rows = [
            SubmissionRow(r.id, r.reference, r.answers)
            for r in conn.execute(
                select(SUBMISSIONS.c.id, SUBMISSIONS.c.reference, SUBMISSIONS.c.answers).where(
                    SUBMISSIONS.c.channel == channel, SUBMISSIONS.c.chat_id == chat_id
                )
            )
        ]
        _, files = erase_submissions(conn, rows, status=ERASED, marker=ERASED_MARKER, at=at)
        bookings = 0
        for booking in self._booking.bookings_for_chat(chat_ref):
            if booking.is_active:
                try:
                    self._booking.cancel(booking.code)
                    bookings += 1
                except BookingError:
                    log.warning("booking %s could not be cancelled during erasure", booking.code)
        codes = blank_bookings(conn, BOOKING.c.chat_ref == chat_ref, at=at)
        delete_checkins(conn, codes)
        documents = revoke_documents(conn, DOCS.c.chat_ref == chat_ref)
        erase_tickets(conn, TICKETS.c.chat_ref == chat_ref, marker=ERASED_MARKER, at=at)
        state = conn.execute(
            select(CONV.c.state).where(CONV.c.channel == channel, CONV.c.chat_id == chat_id)
        ).scalar()
        files |= file_refs(state)
        for ref in unreferenced(conn, files, except_chat=(channel, chat_id)):
            self._files.delete(ref)
        return {"submissions": len(rows), "bookings": bookings, "documents": documents}
