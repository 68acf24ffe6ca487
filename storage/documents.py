"""Issued documents: store a signed PDF with its print link, find it by link, verification id or
content hash, and count wrong PINs (5 lock the link)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import select, update

from storage.db import Database
from storage.models import as_utc, utcnow
from storage.tables import DOCS

MAX_PIN_FAILURES: Final = 5


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """An issued document without its PDF bytes."""

    id: int
    number: str
    verify_id: str
    kind: str
    reference: str
    status: str
    holder_name: str
    holder_nik_masked: str
    chat_ref: str
    email: str | None
    lang: str
    filename: str
    sha256: str
    token: str
    pin_hash: str
    pin_failures: int
    locked: bool
    expires_at: datetime
    issued_at: datetime

    @property
    def expired(self) -> bool:
        """Whether the print link has run out."""
        return as_utc(self.expires_at) <= utcnow()


_INFO_COLUMNS = [DOCS.c[name] for name in DocumentInfo.__slots__]


def _info(row: Any) -> DocumentInfo:
    return DocumentInfo(**{name: row._mapping[name] for name in DocumentInfo.__slots__})


class DocumentStore:
    """Issued documents on one database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, **values: Any) -> DocumentInfo:
        """Store a newly issued document; older valid ones of the same kind and reference become
        ``replaced``."""
        now = utcnow()
        with self._db.session() as session:
            conn = session.connection()
            conn.execute(
                update(DOCS)
                .where(
                    DOCS.c.kind == values["kind"],
                    DOCS.c.reference == values["reference"],
                    DOCS.c.status == "valid",
                )
                .values(status="replaced")
            )
            conn.execute(
                DOCS.insert().values(
                    issued_at=now, pin_failures=0, locked=False, downloads=0, **values
                )
            )
            row = conn.execute(select(*_INFO_COLUMNS).where(DOCS.c.token == values["token"])).one()
        return _info(row)

    def _one(self, where: Any) -> DocumentInfo | None:
        with self._db.session() as session:
            row = session.connection().execute(select(*_INFO_COLUMNS).where(where)).first()
        return _info(row) if row is not None else None

    def by_id(self, doc_id: int) -> DocumentInfo | None:
        """A document by its row id."""
        return self._one(DOCS.c.id == doc_id)

    def by_token(self, token: str) -> DocumentInfo | None:
        """The document of a print link."""
        return self._one(DOCS.c.token == token)

    def by_verify_id(self, verify_id: str) -> DocumentInfo | None:
        """The document of a verification link (QR code)."""
        return self._one(DOCS.c.verify_id == verify_id)

    def by_sha256(self, digest: str) -> DocumentInfo | None:
        """The document whose PDF has exactly these bytes."""
        return self._one(DOCS.c.sha256 == digest)

    def current(self, kind: str, reference: str) -> DocumentInfo | None:
        """The valid document of ``kind`` issued for ``reference``, if any."""
        return self._one(
            (DOCS.c.kind == kind) & (DOCS.c.reference == reference) & (DOCS.c.status == "valid")
        )

    def for_chat(self, chat_ref: str) -> list[DocumentInfo]:
        """The chat's valid documents, newest first."""
        with self._db.session() as session:
            rows = session.connection().execute(
                select(*_INFO_COLUMNS)
                .where(DOCS.c.chat_ref == chat_ref, DOCS.c.status == "valid")
                .order_by(DOCS.c.issued_at.desc())
            )
            return [_info(r) for r in rows]

    def pdf(self, doc_id: int) -> bytes:
        """The PDF bytes of a document."""
        with self._db.session() as session:
            return bytes(
                session.connection()
                .execute(select(DOCS.c.pdf).where(DOCS.c.id == doc_id))
                .scalar_one()
            )

    def wrong_pin(self, doc_id: int) -> int:
        """Count a wrong PIN; the link locks at ``MAX_PIN_FAILURES``. Returns the failures."""
        with self._db.session() as session:
            conn = session.connection()
            failures = int(
                conn.execute(
                    update(DOCS)
                    .where(DOCS.c.id == doc_id)
                    .values(pin_failures=DOCS.c.pin_failures + 1)
                    .returning(DOCS.c.pin_failures)
                ).scalar_one()
            )
            if failures >= MAX_PIN_FAILURES:
                conn.execute(update(DOCS).where(DOCS.c.id == doc_id).values(locked=True))
        return failures

    def downloaded(self, doc_id: int) -> None:
        """Count a download with the right PIN (and forget earlier wrong ones)."""
        with self._db.session() as session:
            session.connection().execute(
                update(DOCS)
                .where(DOCS.c.id == doc_id)
                .values(downloads=DOCS.c.downloads + 1, pin_failures=0)
            )

    def new_pin(self, doc_id: int, *, pin_hash: str, expires_at: datetime) -> None:
        """A fresh PIN (asked for by the citizen): unlocks the link and extends it."""
        with self._db.session() as session:
            session.connection().execute(
                update(DOCS)
                .where(DOCS.c.id == doc_id)
                .values(pin_hash=pin_hash, pin_failures=0, locked=False, expires_at=expires_at)
            )

    def set_status(self, doc_id: int, status: str) -> None:
        """Mark a document ``valid``, ``replaced`` or ``revoked``."""
        with self._db.session() as session:
            session.connection().execute(
                update(DOCS).where(DOCS.c.id == doc_id).values(status=status)
            )
