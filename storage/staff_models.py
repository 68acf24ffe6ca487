"""Tables of the staff web pages: accounts, sessions, sign-in attempts, door check-ins, review
decisions, the KK data staff complete for a KK change, and the audit trail. Schema changes go
through Alembic (revisions ``0006`` and ``0007``).

Nothing here holds a secret in clear: passwords are Argon2 hashes, session ids SHA-256 hashes.
``checkin`` holds a body temperature (health data, specific personal data under UU 27/2022):
the retention purge removes it with the booking it belongs to.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models import timestamp_field

ADMITTED_INDEX: Final = "ux_checkin_admitted"
"""A booking is let in once: a partial unique index on ``checkin (booking_code) WHERE admitted``."""

_ADMITTED_WHERE: Final = sa.text("admitted")


class StaffAccount(SQLModel, table=True):
    """A member of staff who may sign in to the staff pages (``adminduk-bot staff add``)."""

    __tablename__ = "staff_account"
    __table_args__ = (UniqueConstraint("username", name="uq_staff_account_username"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64)
    """Lower case; what is typed at sign-in."""
    full_name: str = Field(max_length=120)
    password_hash: str = Field(max_length=200)
    """Argon2id (argon2-cffi's encoded form)."""
    is_admin: bool = Field(default=False)
    """Admins may also read the audit log."""
    active: bool = Field(default=True)
    created_at: datetime = timestamp_field()
    last_signin_at: datetime | None = timestamp_field(nullable=True)


class StaffSession(SQLModel, table=True):
    """A signed-in browser: the SHA-256 of its 256-bit random cookie value, and its CSRF token."""

    __tablename__ = "staff_session"
    __table_args__ = (UniqueConstraint("token_hash", name="uq_staff_session_token"),)

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64)
    staff_id: int = Field(foreign_key="staff_account.id", index=True)
    csrf_token: str = Field(max_length=64)
    """The synchronizer token every form of this session carries back."""
    flash: str | None = Field(default=None, max_length=1000)
    """A one-time notice for the next page (``ok|text`` or ``bad|text``)."""
    created_at: datetime = timestamp_field()
    expires_at: datetime = timestamp_field()


class SigninAttempt(SQLModel, table=True):
    """One sign-in attempt, kept a day for throttling (no password, only who and from where)."""

    __tablename__ = "signin_attempt"
    __table_args__ = (
        Index("ix_signin_attempt_username_at", "username", "at"),
        Index("ix_signin_attempt_ip_at", "ip", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64)
    ip: str = Field(max_length=64)
    ok: bool
    at: datetime = timestamp_field()


class CheckIn(SQLModel, table=True):
    """A citizen at the door on the day of a booking: the temperature taken and the outcome."""

    __tablename__ = "checkin"
    __table_args__ = (
        Index(
            ADMITTED_INDEX,
            "booking_code",
            unique=True,
            sqlite_where=_ADMITTED_WHERE,
            postgresql_where=_ADMITTED_WHERE,
        ),
        Index("ix_checkin_service_day", "service", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    booking_code: str = Field(max_length=16, index=True)
    service: str = Field(max_length=32)
    day: date
    temperature: float
    """Degrees Celsius, one decimal."""
    admitted: bool
    """``False``: above the office's limit, refused entry and offered another day."""
    staff_username: str = Field(max_length=64)
    at: datetime = timestamp_field()


class SubmissionReview(SQLModel, table=True):
    """A decision of staff on a submission: approved (the document is issued) or rejected."""

    __tablename__ = "submission_review"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=32, index=True)
    decision: str = Field(max_length=12)
    """``approved`` or ``rejected``."""
    reason: str | None = Field(default=None, max_length=500)
    """Why it was rejected (sent to the citizen)."""
    staff_username: str = Field(max_length=64)
    at: datetime = timestamp_field()


class FamilyCardData(SQLModel, table=True):
    """The new KK of a KK change as staff completed it from SIAK (``bot.family_card`` draft):
    the whole family's personal data, erased with the submission on ``/hapusdata``."""

    __tablename__ = "family_card_data"
    __table_args__ = (UniqueConstraint("reference", name="uq_family_card_data_reference"),)

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=32)
    """The submission the KK is issued for."""
    data: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    """The draft, normalised: field key → text (``kk_number``, ``members.0.nik``, ...)."""
    staff_username: str = Field(max_length=64)
    """Who saved it last."""
    updated_at: datetime = timestamp_field()


class AuditEntry(SQLModel, table=True):
    """Who saw or changed what, and when (UU 27/2022: a breach must be reportable).

    Never a full NIK or KK number: ``record`` names the booking code, submission reference or
    ticket number, and ``detail`` is free of personal data.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = timestamp_field()
    staff_id: int | None = Field(default=None)
    staff_username: str = Field(max_length=64)
    action: str = Field(max_length=40)
    """``view``, ``export``, ``checkin``, ``approve``, ``signin``... (see ``web.staff``)."""
    record_type: str = Field(max_length=20)
    """``booking``, ``day``, ``submission``, ``file``, ``ticket``, ``account``, ``audit``."""
    record: str = Field(max_length=120)
    detail: str | None = Field(default=None, max_length=300)
    ip: str | None = Field(default=None, max_length=64)
