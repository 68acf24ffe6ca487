"""booking: day counters, session counters, bookings

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 13:17:50.407142

Written from Alembic's autogenerate output and cleaned by hand; runs on SQLite and PostgreSQL.
The partial unique index ``ux_booking_active_nik`` (one active booking per NIK and service) is
supported by both: ``sqlite_where`` and ``postgresql_where`` carry the same condition.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ACTIVE = sa.text("status = 'active'")
_STATUSES = "'active', 'cancelled', 'rescheduled', 'closed_by_office', 'expired'"


def upgrade() -> None:
    """Create ``slot_day``, ``slot_session`` and ``booking``."""
    op.create_table(
        "slot_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("quota", sa.Integer(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.Column("next_queue", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("closed_reason", sa.String(length=200), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("booked >= 0 AND booked <= quota", name="ck_slot_day_booked"),
        sa.CheckConstraint("next_queue >= 1", name="ck_slot_day_next_queue"),
        sa.CheckConstraint("quota >= 0", name="ck_slot_day_quota"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("service", "day", name="uq_slot_day"),
    )
    op.create_table(
        "slot_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("session", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("quota", sa.Integer(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.CheckConstraint("booked >= 0 AND booked <= quota", name="ck_slot_session_booked"),
        sa.ForeignKeyConstraint(
            ["service", "day"],
            ["slot_day.service", "slot_day.day"],
            name="fk_slot_session_day",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("service", "day", "session", name="uq_slot_session"),
    )
    op.create_table(
        "booking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("service", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("queue_number", sa.Integer(), nullable=False),
        sa.Column("session", sa.String(length=32), nullable=True),
        sa.Column("nik", sa.String(length=32), nullable=False),
        sa.Column("holder_name", sa.String(length=120), nullable=False),
        sa.Column("chat_ref", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_reason", sa.String(length=200), nullable=True),
        sa.Column("previous_code", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"status IN ({_STATUSES})", name="ck_booking_status"),
        sa.ForeignKeyConstraint(
            ["service", "day"], ["slot_day.service", "slot_day.day"], name="fk_booking_day"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code", name="uq_booking_code"),
        sa.UniqueConstraint("service", "day", "queue_number", name="uq_booking_queue"),
    )
    op.create_index("ix_booking_chat_ref", "booking", ["chat_ref"], unique=False)
    op.create_index(
        "ux_booking_active_nik",
        "booking",
        ["service", "nik"],
        unique=True,
        sqlite_where=_ACTIVE,
        postgresql_where=_ACTIVE,
    )


def downgrade() -> None:
    """Drop the booking tables (and every booking in them)."""
    op.drop_index("ux_booking_active_nik", table_name="booking")
    op.drop_index("ix_booking_chat_ref", table_name="booking")
    op.drop_table("booking")
    op.drop_table("slot_session")
    op.drop_table("slot_day")
