"""A citizen's request to delete their data (UU 27/2022, PDP): ``/hapusdata``, after a confirmation.

Erased at once, in the dialog's unit of work: the answers of every submission of the chat (the
row stays with its reference and status, so staff can still see that something was submitted and
erased, without the data), their uploaded files, the KK data staff completed for them, active
bookings (cancelled, the places freed), issued documents (revoked; their PDFs emptied, and their
file names, since a KK's carries its number), hand-off messages, and the conversation's drafts.
"""

from __future__ import annotations

import logging
from typing import Any, Final

from sqlalchemy import Connection, delete, select, update

from booking.errors import BookingError
from booking.service import BookingService
from bot import texts as X
from flows.protocol import Button, Reply
from flows.text import Lang
from storage.files import FileStore
from storage.models import IssuedDocument, Submission, Ticket, TicketMessage, utcnow
from storage.staff_models import FamilyCardData

log = logging.getLogger(__name__)

SUBS: Any = Submission.__table__  # type: ignore[attr-defined]
DOCS: Any = IssuedDocument.__table__  # type: ignore[attr-defined]
TICKETS: Any = Ticket.__table__  # type: ignore[attr-defined]
MESSAGES: Any = TicketMessage.__table__  # type: ignore[attr-defined]
FAMILY_CARDS: Any = FamilyCardData.__table__  # type: ignore[attr-defined]
ERASED_FILENAME: Final = "dihapus.pdf"
"""The file name an erased document keeps (its own could name a KK number)."""
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
        """The answer to the confirmation."""
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

    def delete_files(self, answers: Any) -> None:
        """Delete every uploaded file referenced in ``answers`` (a submission's or a draft's)."""
        for value in _walk(answers):
            if isinstance(value, dict) and isinstance(value.get("ref"), str):
                self._files.delete(value["ref"])

    def erase(self, conn: Connection, chat_ref: str) -> dict[str, int]:
        """Erase the chat's data; how many of each kind."""
        channel, _, chat_id = chat_ref.partition(":")
        subs = conn.execute(
            select(SUBS.c.id, SUBS.c.reference, SUBS.c.answers).where(
                SUBS.c.channel == channel, SUBS.c.chat_id == chat_id
            )
        ).all()
        for row in subs:
            self.delete_files(row.answers)
        if subs:
            conn.execute(
                update(SUBS)
                .where(SUBS.c.id.in_([r.id for r in subs]))
                .values(answers={"erased": True}, status="erased", updated_at=utcnow())
            )
            conn.execute(
                delete(FAMILY_CARDS).where(
                    FAMILY_CARDS.c.reference.in_([r.reference for r in subs])
                )
            )
        bookings = 0
        for booking in self._booking.bookings_for_chat(chat_ref):
            if booking.is_active:
                try:
                    self._booking.cancel(booking.code)
                    bookings += 1
                except BookingError:
                    log.warning("booking %s could not be cancelled during erasure", booking.code)
        documents = conn.execute(
            update(DOCS)
            .where(DOCS.c.chat_ref == chat_ref, DOCS.c.status != "revoked")
            .values(
                status="revoked",
                pdf=b"",
                holder_name="(dihapus)",
                email=None,
                filename=ERASED_FILENAME,
            )
            .returning(DOCS.c.id)
        ).all()
        tickets = [
            r.id for r in conn.execute(select(TICKETS.c.id).where(TICKETS.c.chat_ref == chat_ref))
        ]
        if tickets:
            conn.execute(delete(MESSAGES).where(MESSAGES.c.ticket_id.in_(tickets)))
            conn.execute(
                update(TICKETS)
                .where(TICKETS.c.id.in_(tickets))
                .values(status="closed", context={"erased": True}, closed_at=utcnow())
            )
        return {"submissions": len(subs), "bookings": bookings, "documents": len(documents)}


def _walk(value: Any) -> list[Any]:
    """Every value nested in answers (group items included)."""
    found = [value]
    if isinstance(value, dict):
        for item in value.values():
            found += _walk(item)
    elif isinstance(value, list):
        for item in value:
            found += _walk(item)
    return found
