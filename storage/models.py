"""SQLModel tables. Schema changes go through Alembic migrations in ``storage/migrations``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (stored as such)."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored timestamp in UTC: SQLite gives them back without a zone (they were stored in
    UTC), PostgreSQL with one."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def timestamp_field(*, nullable: bool = False) -> Any:
    """A ``timestamptz`` column (defaulting to ``utcnow`` unless ``nullable``), for every table."""
    return Field(
        default_factory=utcnow if not nullable else None,
        sa_column=Column(DateTime(timezone=True), nullable=nullable),
    )


class Conversation(SQLModel, table=True):
    """One chat with one citizen on one channel, with the engine state of the form in progress.

    The row is the unit of ordering: a step locks it (``BEGIN IMMEDIATE`` on SQLite, ``FOR UPDATE``
    on PostgreSQL), so updates of one chat are applied one at a time by any worker.
    """

    __tablename__ = "conversation"
    __table_args__ = (UniqueConstraint("channel", "chat_id", name="uq_conversation_chat"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=64)
    lang: str = Field(default="id", max_length=8)
    form_id: str | None = Field(default=None, max_length=64)
    state: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    version: int = Field(default=0)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class ProcessedUpdate(SQLModel, table=True):
    """An incoming update already applied; a redelivery of the same ``update_id`` is skipped."""

    __tablename__ = "processed_update"
    __table_args__ = (UniqueConstraint("channel", "update_id", name="uq_processed_update"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    update_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    processed_at: datetime = timestamp_field()


class Submission(SQLModel, table=True):
    """A form the citizen confirmed: its answers (personal data) and where it stands."""

    __tablename__ = "submission"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=32, unique=True)
    form_id: str = Field(max_length=64, index=True)
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=64, index=True)
    lang: str = Field(default="id", max_length=8)
    answers: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(default="received", max_length=16, index=True)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class OutboxJob(SQLModel, table=True):
    """Work that must survive a crash (a document to issue, an email, a reminder), written in the
    same transaction as the change that caused it and done by the worker, at least once."""

    __tablename__ = "outbox_job"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40, index=True)
    key: str = Field(max_length=120, unique=True)
    """Idempotency key: the same work is queued once (``reminder:KTP-7K4M9Q``)."""
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", max_length=12, index=True)
    """``pending``, ``done`` or ``failed`` (gave up after the last attempt; shown to staff)."""
    attempts: int = Field(default=0)
    run_at: datetime = timestamp_field()
    locked_until: datetime | None = timestamp_field(nullable=True)
    last_error: str | None = Field(default=None, max_length=300)
    created_at: datetime = timestamp_field()
    done_at: datetime | None = timestamp_field(nullable=True)


class IssuedDocument(SQLModel, table=True):
    """A signed PDF given to a citizen, with its print link (token) and the hash of its PIN."""

    __tablename__ = "issued_document"

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=40, unique=True)
    """Document number printed on it (``BP/2026/7K4M9Q``)."""
    verify_id: str = Field(max_length=32, unique=True)
    """Public, unguessable id in the QR code's verification link."""
    kind: str = Field(max_length=30)
    reference: str = Field(max_length=32, index=True)
    """The submission reference or booking code it was issued for."""
    status: str = Field(default="valid", max_length=12)
    """``valid``, ``replaced`` (a newer version exists) or ``revoked``."""
    holder_name: str = Field(max_length=120)
    holder_nik_masked: str = Field(max_length=20)
    chat_ref: str = Field(max_length=64)
    email: str | None = Field(default=None, max_length=254)
    lang: str = Field(default="id", max_length=8)
    filename: str = Field(max_length=80)
    pdf: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    sha256: str = Field(max_length=64, index=True)
    token: str = Field(max_length=64, unique=True)
    """Secret part of the print link ``/d/<token>`` (at least 128 random bits)."""
    pin_hash: str = Field(max_length=200)
    pin_failures: int = Field(default=0)
    locked: bool = Field(default=False)
    expires_at: datetime = timestamp_field()
    issued_at: datetime = timestamp_field()
    downloads: int = Field(default=0)


class Ticket(SQLModel, table=True):
    """A citizen asked for a person (or kept failing a question): a conversation with staff."""

    __tablename__ = "ticket"

    id: int | None = Field(default=None, primary_key=True)
    chat_ref: str = Field(max_length=64, index=True)
    form_id: str | None = Field(default=None, max_length=64)
    question: str | None = Field(default=None, max_length=120)
    """Where the citizen was (``nik``, ``members.0.name``)."""
    reason: str = Field(default="asked", max_length=16)
    """``asked`` (/bantuan or the button) or ``failures`` (offered after failed answers)."""
    status: str = Field(default="open", max_length=12, index=True)
    """``open`` or ``closed``."""
    topic_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    """The forum topic (thread) of the ticket in the staff group."""
    context: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    """The form, the question and the answers so far, personal numbers masked."""
    opened_at: datetime = timestamp_field()
    closed_at: datetime | None = timestamp_field(nullable=True)
    closed_by: str | None = Field(default=None, max_length=120)


class TicketMessage(SQLModel, table=True):
    """One message of a ticket's conversation (what the citizen and staff wrote)."""

    __tablename__ = "ticket_message"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    sender: str = Field(max_length=12)
    """``citizen`` or ``staff``."""
    staff_name: str | None = Field(default=None, max_length=120)
    text: str = Field(max_length=4096)
    created_at: datetime = timestamp_field()
