"""Booking tables and the SQL implementation of ``booking.ports.BookingStore``.

How the invariants hold with many workers in many processes, on SQLite and on PostgreSQL:

- **No overbooking.** A place is taken by one conditional statement,
  ``UPDATE slot_day SET booked = booked + 1, next_queue = next_queue + 1 WHERE service = :s AND
  day = :d AND NOT closed AND booked < quota RETURNING next_queue``; no row back means the day
  is full (or closed). PostgreSQL re-checks the condition on the newest row version after a
  concurrent update commits (READ COMMITTED), SQLite runs one writer at a time
  (``BEGIN IMMEDIATE``), and ``CHECK (booked >= 0 AND booked <= quota)`` is the last guard.
  Count-then-insert overbooked in our measurements (DESIGN.md section 6); this does not.
- **One active booking per NIK and service.** The code checks first, and a partial unique index
  on ``booking (service, nik) WHERE status = 'active'`` decides races. The insert runs inside a
  SAVEPOINT, so a violation leaves the transaction usable (PostgreSQL aborts a transaction on
  any error) to read the winning booking for ``AlreadyBooked``.
- **Queue numbers are never given twice** on a service-day: ``next_queue`` only grows, and
  ``UNIQUE (service, day, queue_number)`` backs it.
- **No deadlocks between our own operations** on PostgreSQL: every unit of work locks
  ``slot_day`` rows first (several in day order), then ``slot_session`` rows, then ``booking``
  rows.

``slot_day.booked`` always equals the number of that day's bookings that are active or expired
(``booking.models.HOLDING_STATUSES``); on a day with sessions, the day's quota and booked are the
sums of its sessions'.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy import (
    CheckConstraint,
    Connection,
    ForeignKeyConstraint,
    Index,
    Table,
    UniqueConstraint,
)
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel

from booking.codes import CodeFactory
from booking.errors import (
    AlreadyBooked,
    BookingNotActive,
    BookingNotFound,
    DayFull,
    DayNotBookable,
    QuotaBelowBooked,
    SessionFull,
    SessionRequired,
    Unbookable,
    UnknownSession,
)
from booking.models import Booking, BookingStatus, DayPlan, DayState, SessionState
from booking.ports import NewBooking
from storage.db import Database
from storage.errors import ConflictError
from storage.models import as_utc, timestamp_field
from storage.tables import insert_ignoring

log = logging.getLogger(__name__)

CODE_ATTEMPTS: Final = 8
"""Fresh codes tried when a random code is already taken (about 1 in 887 million per try)."""

ACTIVE_NIK_INDEX: Final = "ux_booking_active_nik"
"""The partial unique index that allows one active booking per NIK and service."""

_ACTIVE_WHERE: Final = sa.text("status = 'active'")
_STATUS_VALUES: Final = ", ".join(f"'{s.value}'" for s in BookingStatus)


class SlotDay(SQLModel, table=True):
    """Counters of one service on one day: the quota, places taken, the next queue number.

    Written lazily (at the policy's quota) by the first booking, closure or quota change.
    """

    __tablename__ = "slot_day"
    __table_args__ = (
        UniqueConstraint("service", "day", name="uq_slot_day"),
        CheckConstraint("booked >= 0 AND booked <= quota", name="ck_slot_day_booked"),
        CheckConstraint("quota >= 0", name="ck_slot_day_quota"),
        CheckConstraint("next_queue >= 1", name="ck_slot_day_next_queue"),
    )

    id: int | None = Field(default=None, primary_key=True)
    service: str = Field(max_length=32)
    day: date
    quota: int
    booked: int = 0
    next_queue: int = 1
    closed: bool = False
    closed_reason: str | None = Field(default=None, max_length=200)
    updated_at: datetime = timestamp_field()


class SlotSession(SQLModel, table=True):
    """Counters of one session of a service-day (present only when the policy has sessions)."""

    __tablename__ = "slot_session"
    __table_args__ = (
        UniqueConstraint("service", "day", "session", name="uq_slot_session"),
        ForeignKeyConstraint(
            ["service", "day"],
            ["slot_day.service", "slot_day.day"],
            name="fk_slot_session_day",
            ondelete="CASCADE",
        ),
        CheckConstraint("booked >= 0 AND booked <= quota", name="ck_slot_session_booked"),
    )

    id: int | None = Field(default=None, primary_key=True)
    service: str = Field(max_length=32)
    day: date
    session: str = Field(max_length=32)
    position: int
    quota: int
    booked: int = 0


class BookingRow(SQLModel, table=True):
    """One booking (personal data: NIK and name; purged by the retention job like the rest)."""

    __tablename__ = "booking"
    __table_args__ = (
        UniqueConstraint("code", name="uq_booking_code"),
        UniqueConstraint("service", "day", "queue_number", name="uq_booking_queue"),
        ForeignKeyConstraint(
            ["service", "day"], ["slot_day.service", "slot_day.day"], name="fk_booking_day"
        ),
        CheckConstraint(f"status IN ({_STATUS_VALUES})", name="ck_booking_status"),
        Index(
            ACTIVE_NIK_INDEX,
            "service",
            "nik",
            unique=True,
            sqlite_where=_ACTIVE_WHERE,
            postgresql_where=_ACTIVE_WHERE,
        ),
        Index("ix_booking_chat_ref", "chat_ref"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16)
    service: str = Field(max_length=32)
    day: date
    queue_number: int
    session: str | None = Field(default=None, max_length=32)
    nik: str = Field(max_length=32)
    holder_name: str = Field(max_length=120)
    chat_ref: str = Field(max_length=64)
    status: str = Field(max_length=20)
    status_reason: str | None = Field(default=None, max_length=200)
    previous_code: str | None = Field(default=None, max_length=16)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


SLOT_DAY: Final[Table] = SQLModel.metadata.tables["slot_day"]
SLOT_SESSION: Final[Table] = SQLModel.metadata.tables["slot_session"]
BOOKING: Final[Table] = SQLModel.metadata.tables["booking"]

# The statements of a booking by a citizen (the days offered, then ``take``) are built once, not
# per call: building an expression and its cache key each time cost more than running it. Over
# the 14 updates of the KTP-el form (which lists the days once and books once) that was 0.74 ->
# 0.60 ms of CPU per dialog step on SQLite, 1.42 -> 1.19 ms on PostgreSQL.
_P = sa.bindparam
_ACTIVE_BOOKING: Final = sa.select(BOOKING).where(
    BOOKING.c.service == _P("p_service"),
    BOOKING.c.nik == _P("p_nik"),
    BOOKING.c.status == BookingStatus.ACTIVE.value,
)
_BOOKING_BY_CODE: Final = sa.select(BOOKING).where(BOOKING.c.code == _P("p_code"))
# The days' counters and their sessions' in one statement (one snapshot), over the range of the
# days asked for (an ``IN`` list is expanded into the SQL afresh on each call): 0.387 -> 0.365
# ms of CPU per dialog step on SQLite over the KTP-el form, which lists the days once.
_DAY_STATES: Final = (
    sa.select(
        SLOT_DAY,
        SLOT_SESSION.c.session.label("s_name"),
        SLOT_SESSION.c.quota.label("s_quota"),
        SLOT_SESSION.c.booked.label("s_booked"),
    )
    .select_from(
        SLOT_DAY.outerjoin(
            SLOT_SESSION,
            sa.and_(
                SLOT_SESSION.c.service == SLOT_DAY.c.service, SLOT_SESSION.c.day == SLOT_DAY.c.day
            ),
        )
    )
    .where(
        SLOT_DAY.c.service == _P("p_service"),
        SLOT_DAY.c.day.between(_P("p_first"), _P("p_last")),
    )
    .order_by(SLOT_DAY.c.day, SLOT_SESSION.c.position)
)
_TAKE_DAY_PLACE: Final = (
    sa.update(SLOT_DAY)
    .where(
        SLOT_DAY.c.service == _P("p_service"),
        SLOT_DAY.c.day == _P("p_day"),
        SLOT_DAY.c.closed == sa.false(),
        SLOT_DAY.c.booked < SLOT_DAY.c.quota,
    )
    .values(
        booked=SLOT_DAY.c.booked + 1,
        next_queue=SLOT_DAY.c.next_queue + 1,
        updated_at=_P("p_at"),
    )
    .returning(SLOT_DAY.c.next_queue)
)
_SESSION_NAMES: Final = (
    sa.select(SLOT_SESSION.c.session)
    .where(SLOT_SESSION.c.service == _P("p_service"), SLOT_SESSION.c.day == _P("p_day"))
    .order_by(SLOT_SESSION.c.position)
)
_TAKE_SESSION_PLACE: Final = (
    sa.update(SLOT_SESSION)
    .where(
        SLOT_SESSION.c.service == _P("p_service"),
        SLOT_SESSION.c.day == _P("p_day"),
        SLOT_SESSION.c.session == _P("p_session"),
        SLOT_SESSION.c.booked < SLOT_SESSION.c.quota,
    )
    .values(booked=SLOT_SESSION.c.booked + 1)
)
_EXPIRE_PAST: Final = (
    sa.update(BOOKING)
    .where(
        BOOKING.c.service == _P("p_service"),
        BOOKING.c.nik == _P("p_nik"),
        BOOKING.c.status == BookingStatus.ACTIVE.value,
        BOOKING.c.day < _P("p_today"),
    )
    .values(status=BookingStatus.EXPIRED.value, updated_at=_P("p_at"))
)
_INSERT_BOOKING: Final = sa.insert(BOOKING)


def _utc(moment: datetime) -> datetime:
    """Timestamps are written in UTC: SQLite keeps no zone, so a local time would be misread."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is required")
    return moment.astimezone(UTC)


def _booking(row: Mapping[Any, Any]) -> Booking:
    return Booking(
        code=row["code"],
        service=row["service"],
        day=row["day"],
        queue_number=row["queue_number"],
        session=row["session"],
        nik=row["nik"],
        holder_name=row["holder_name"],
        chat_ref=row["chat_ref"],
        status=BookingStatus(row["status"]),
        created_at=as_utc(row["created_at"]),
        updated_at=as_utc(row["updated_at"]),
        previous_code=row["previous_code"],
        status_reason=row["status_reason"],
    )


def _day_key(service: str, day: date) -> sa.ColumnElement[bool]:
    return sa.and_(SLOT_DAY.c.service == service, SLOT_DAY.c.day == day)


def _session_key(service: str, day: date) -> sa.ColumnElement[bool]:
    return sa.and_(SLOT_SESSION.c.service == service, SLOT_SESSION.c.day == day)


class SqlBookingStore:
    """``BookingStore`` on a ``storage.db.Database``: each method is one unit of work."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._insert_days: Final = insert_ignoring(db.dialect, SLOT_DAY, ["service", "day"])
        self._insert_sessions: Final = insert_ignoring(
            db.dialect, SLOT_SESSION, ["service", "day", "session"]
        )

    # -- building blocks (all run inside the caller's transaction) -------------------------------

    def _ensure_day(
        self, conn: Connection, service: str, day: date, plan: DayPlan, at: datetime
    ) -> None:
        """Write the day's counters from ``plan`` unless it has them already
        (``INSERT ... ON CONFLICT DO NOTHING``)."""
        written = conn.execute(
            self._insert_days,
            {
                "service": service,
                "day": day,
                "quota": plan.quota,
                "booked": 0,
                "next_queue": 1,
                "closed": False,
                "closed_reason": None,
                "updated_at": at,
            },
        ).rowcount
        if not written:
            return
        for position, (name, share) in enumerate(plan.sessions):
            conn.execute(
                self._insert_sessions,
                {
                    "service": service,
                    "day": day,
                    "session": name,
                    "position": position,
                    "quota": share,
                    "booked": 0,
                },
            )

    def _lock_days(self, conn: Connection, service: str, days: Sequence[date]) -> None:
        """Lock the days' counter rows in day order (``FOR UPDATE``; SQLite holds its lock)."""
        stmt = (
            sa.select(SLOT_DAY.c.id)
            .where(SLOT_DAY.c.service == service, SLOT_DAY.c.day.in_(sorted(set(days))))
            .order_by(SLOT_DAY.c.day)
            .with_for_update()
        )
        conn.execute(stmt).all()

    def _states(self, conn: Connection, service: str, days: Sequence[date]) -> dict[date, DayState]:
        if not days:
            return {}
        wanted = set(days)
        key = {"p_service": service, "p_first": min(wanted), "p_last": max(wanted)}
        day_rows: dict[date, sa.RowMapping] = {}
        sessions: dict[date, list[SessionState]] = {}
        for row in conn.execute(_DAY_STATES, key).mappings():
            day = row["day"]
            if day not in wanted:  # a day inside the range that was not asked for
                continue
            day_rows.setdefault(day, row)
            if row["s_name"] is not None:
                sessions.setdefault(day, []).append(
                    SessionState(name=row["s_name"], quota=row["s_quota"], booked=row["s_booked"])
                )
        return {
            row["day"]: DayState(
                service=row["service"],
                day=row["day"],
                quota=row["quota"],
                booked=row["booked"],
                closed=bool(row["closed"]),
                closed_reason=row["closed_reason"],
                next_queue=row["next_queue"],
                sessions=tuple(sessions.get(row["day"], ())),
            )
            for row in day_rows.values()
        }

    def _state(self, conn: Connection, service: str, day: date) -> DayState:
        state = self._states(conn, service, [day]).get(day)
        if state is None:  # pragma: no cover - callers write the row first
            raise LookupError(f"no counters for {service} on {day}")
        return state

    def _get(self, conn: Connection, code: str) -> Booking | None:
        row = conn.execute(_BOOKING_BY_CODE, {"p_code": code}).mappings().first()
        return None if row is None else _booking(row)

    def _active(self, conn: Connection, service: str, nik: str) -> Booking | None:
        row = conn.execute(_ACTIVE_BOOKING, {"p_service": service, "p_nik": nik}).mappings().first()
        return None if row is None else _booking(row)

    def _take_place(
        self, conn: Connection, service: str, day: date, session: str | None, at: datetime
    ) -> tuple[int, str | None]:
        """Take one place of the day (and of a session); returns the queue number and session."""
        key = {"p_service": service, "p_day": day}
        taken = conn.execute(_TAKE_DAY_PLACE, {**key, "p_at": at}).first()
        if taken is None:
            state = self._state(conn, service, day)
            if state.closed:
                raise DayNotBookable(day, Unbookable.CLOSED_BY_OFFICE, state.closed_reason)
            raise DayFull(day)
        queue_number = int(taken[0]) - 1
        names = [str(name) for name in conn.execute(_SESSION_NAMES, key).scalars()]
        if session is not None and session not in names:
            raise UnknownSession(day, session)
        if not names:
            return queue_number, None
        for name in [session] if session is not None else names:
            updated = conn.execute(_TAKE_SESSION_PLACE, {**key, "p_session": name}).rowcount
            if updated == 1:
                return queue_number, name
        if session is not None:
            state = self._state(conn, service, day)
            others = [s.name for s in state.sessions if s.name != session and s.booked < s.quota]
            raise SessionFull(day, session, others)
        raise DayFull(day)

    def _free(
        self,
        conn: Connection,
        service: str,
        day: date,
        sessions: Mapping[str | None, int],
        at: datetime,
    ) -> None:
        """Give back places of a day: ``sessions`` maps a session (or ``None``) to a count."""
        total = sum(sessions.values())
        if total == 0:
            return
        conn.execute(
            sa.update(SLOT_DAY)
            .where(_day_key(service, day))
            .values(booked=SLOT_DAY.c.booked - total, updated_at=at)
        )
        for name, count in sessions.items():
            if name is not None and count:
                conn.execute(
                    sa.update(SLOT_SESSION)
                    .where(_session_key(service, day), SLOT_SESSION.c.session == name)
                    .values(booked=SLOT_SESSION.c.booked - count)
                )

    def _set_status(
        self,
        conn: Connection,
        code: str,
        status: BookingStatus,
        at: datetime,
        reason: str | None = None,
    ) -> Booking | None:
        """Move an *active* booking to ``status``; ``None`` if it is not active (any more)."""
        row = (
            conn.execute(
                sa.update(BOOKING)
                .where(BOOKING.c.code == code, BOOKING.c.status == BookingStatus.ACTIVE.value)
                .values(status=status.value, status_reason=reason, updated_at=at)
                .returning(*BOOKING.c)
            )
            .mappings()
            .first()
        )
        return None if row is None else _booking(row)

    def _insert_booking(
        self,
        conn: Connection,
        *,
        request: NewBooking,
        new_code: CodeFactory,
        today: date,
        at: datetime,
        previous_code: str | None = None,
        plan: DayPlan | None = None,
    ) -> Booking:
        """Take a place and insert the booking, retrying with a fresh code on a collision.

        With ``plan``, the day's counters are first written from it if the day has none; in
        the attempt's savepoint, so that a failed attempt takes them back too.
        """
        for _ in range(CODE_ATTEMPTS):
            code = new_code()
            try:
                with conn.begin_nested():
                    if plan is not None:
                        self._ensure_day(conn, request.service, request.day, plan, at)
                    queue_number, session = self._take_place(
                        conn, request.service, request.day, request.session, at
                    )
                    conn.execute(
                        _EXPIRE_PAST,
                        {
                            "p_service": request.service,
                            "p_nik": request.nik,
                            "p_today": today,
                            "p_at": at,
                        },
                    )
                    values = {
                        "code": code,
                        "service": request.service,
                        "day": request.day,
                        "queue_number": queue_number,
                        "session": session,
                        "nik": request.nik,
                        "holder_name": request.holder_name,
                        "chat_ref": request.chat_ref,
                        "status": BookingStatus.ACTIVE.value,
                        "status_reason": None,
                        "previous_code": previous_code,
                        "created_at": at,
                        "updated_at": at,
                    }
                    conn.execute(_INSERT_BOOKING, values)
            except IntegrityError:
                # Lost a race: the partial unique index (same NIK booked meanwhile) or the code.
                existing = self._active(conn, request.service, request.nik)
                if existing is not None and existing.day >= today:
                    log.debug("a concurrent booking of the same NIK won (%s)", existing.code)
                    raise AlreadyBooked(existing) from None
                if self._get(conn, code) is not None:
                    log.warning("booking code collision, retrying")
                    continue
                raise
            return _booking(values)
        raise ConflictError(f"no free booking code after {CODE_ATTEMPTS} attempts")

    # -- BookingStore --------------------------------------------------------------------------

    def day_states(self, service: str, days: Sequence[date]) -> dict[date, DayState]:
        """Stored counters of those ``days`` that have any."""
        with self._db.connection(savepoint=False) as conn:  # a read: nothing to undo
            return self._states(conn, service, days)

    def take(
        self,
        request: NewBooking,
        *,
        plan: DayPlan,
        today: date,
        at: datetime,
        new_code: CodeFactory,
    ) -> Booking:
        """Take one place and record the booking, atomically (see ``BookingStore.take``)."""
        at = _utc(at)
        # Every write happens inside _insert_booking's savepoint (the day's counters too), so a
        # failed booking leaves nothing behind without a savepoint of the whole unit.
        with self._db.connection(savepoint=False) as conn:
            existing = self._active(conn, request.service, request.nik)
            if existing is not None and existing.day >= today:
                raise AlreadyBooked(existing)
            return self._insert_booking(
                conn, request=request, new_code=new_code, today=today, at=at, plan=plan
            )

    def cancel(self, code: str, *, today: date, at: datetime) -> Booking:
        """Cancel an active booking and free its place (see ``BookingStore.cancel``)."""
        at = _utc(at)
        with self._db.session() as session:
            conn = session.connection()
            booking = self._get(conn, code)
            if booking is None:
                raise BookingNotFound(code)
            if booking.status is BookingStatus.CANCELLED:
                return booking
            self._check_changeable(booking, today)
            self._lock_days(conn, booking.service, [booking.day])
            cancelled = self._set_status(conn, code, BookingStatus.CANCELLED, at)
            if cancelled is None:  # changed by someone else since we read it
                current = self._get(conn, code) or booking
                if current.status is BookingStatus.CANCELLED:
                    return current
                raise BookingNotActive(current, current.status.value)
            self._free(conn, booking.service, booking.day, {booking.session: 1}, at)
            return cancelled

    @staticmethod
    def _check_changeable(booking: Booking, today: date) -> None:
        if booking.status is not BookingStatus.ACTIVE:
            raise BookingNotActive(booking, booking.status.value)
        if booking.day < today:
            raise BookingNotActive(booking, "past")

    def reschedule(
        self,
        code: str,
        *,
        new_day: date,
        session: str | None,
        plan: DayPlan,
        today: date,
        at: datetime,
        new_code: CodeFactory,
    ) -> Booking:
        """Move an active booking to ``new_day`` atomically (see ``BookingStore.reschedule``)."""
        at = _utc(at)
        with self._db.session() as unit:
            conn = unit.connection()
            booking = self._get(conn, code)
            if booking is None:
                raise BookingNotFound(code)
            self._check_changeable(booking, today)
            self._ensure_day(conn, booking.service, new_day, plan, at)
            self._lock_days(conn, booking.service, [booking.day, new_day])
            moved = self._set_status(conn, code, BookingStatus.RESCHEDULED, at)
            if moved is None:
                current = self._get(conn, code) or booking
                raise BookingNotActive(current, current.status.value)
            self._free(conn, booking.service, booking.day, {booking.session: 1}, at)
            request = NewBooking(
                service=booking.service,
                day=new_day,
                nik=booking.nik,
                holder_name=booking.holder_name,
                chat_ref=booking.chat_ref,
                session=session,
            )
            return self._insert_booking(
                conn,
                request=request,
                new_code=new_code,
                today=today,
                at=at,
                previous_code=booking.code,
            )

    def close_day(
        self, service: str, day: date, *, reason: str, plan: DayPlan, at: datetime
    ) -> list[Booking]:
        """Close a day; its active bookings become ``closed_by_office`` and are returned."""
        at = _utc(at)
        with self._db.session() as session:
            conn = session.connection()
            self._ensure_day(conn, service, day, plan, at)
            conn.execute(
                sa.update(SLOT_DAY)
                .where(_day_key(service, day))
                .values(closed=True, closed_reason=reason, updated_at=at)
            )
            rows = (
                conn.execute(
                    sa.update(BOOKING)
                    .where(
                        BOOKING.c.service == service,
                        BOOKING.c.day == day,
                        BOOKING.c.status == BookingStatus.ACTIVE.value,
                    )
                    .values(
                        status=BookingStatus.CLOSED_BY_OFFICE.value,
                        status_reason=reason,
                        updated_at=at,
                    )
                    .returning(*BOOKING.c)
                )
                .mappings()
                .all()
            )
            affected = sorted((_booking(row) for row in rows), key=lambda b: b.queue_number)
            self._free(conn, service, day, Counter(b.session for b in affected), at)
            return affected

    def reopen_day(self, service: str, day: date, *, plan: DayPlan, at: datetime) -> DayState:
        """Open a closed day again."""
        at = _utc(at)
        with self._db.session() as session:
            conn = session.connection()
            self._ensure_day(conn, service, day, plan, at)
            conn.execute(
                sa.update(SLOT_DAY)
                .where(_day_key(service, day))
                .values(closed=False, closed_reason=None, updated_at=at)
            )
            return self._state(conn, service, day)

    def set_quota(
        self,
        service: str,
        day: date,
        quota: int,
        *,
        session: str | None,
        plan: DayPlan,
        at: datetime,
    ) -> DayState:
        """Change the places of a day or of one of its sessions, never below those booked."""
        at = _utc(at)
        with self._db.session() as unit:
            conn = unit.connection()
            self._ensure_day(conn, service, day, plan, at)
            self._lock_days(conn, service, [day])
            state = self._state(conn, service, day)
            if session is None:
                if state.sessions:
                    raise SessionRequired(service, day)
                if quota < state.booked:
                    raise QuotaBelowBooked(service, day, quota, state.booked)
                conn.execute(
                    sa.update(SLOT_DAY)
                    .where(_day_key(service, day), SLOT_DAY.c.booked <= quota)
                    .values(quota=quota, updated_at=at)
                )
                return self._state(conn, service, day)
            current = next((s for s in state.sessions if s.name == session), None)
            if current is None:
                raise UnknownSession(day, session)
            if quota < current.booked:
                raise QuotaBelowBooked(service, day, quota, current.booked, session)
            conn.execute(
                sa.update(SLOT_SESSION)
                .where(_session_key(service, day), SLOT_SESSION.c.session == session)
                .values(quota=quota)
            )
            conn.execute(
                sa.update(SLOT_DAY)
                .where(_day_key(service, day))
                .values(quota=SLOT_DAY.c.quota + (quota - current.quota), updated_at=at)
            )
            return self._state(conn, service, day)

    def get(self, code: str) -> Booking | None:
        """The booking with ``code``, in any status."""
        with self._db.session() as session:
            return self._get(session.connection(), code)

    def list_day(
        self, service: str, day: date, *, statuses: Collection[BookingStatus] | None = None
    ) -> list[Booking]:
        """Bookings of a service-day in queue order."""
        stmt = sa.select(BOOKING).where(BOOKING.c.service == service, BOOKING.c.day == day)
        if statuses is not None:
            stmt = stmt.where(BOOKING.c.status.in_([s.value for s in statuses]))
        with self._db.session() as session:
            rows = session.connection().execute(stmt.order_by(BOOKING.c.queue_number)).mappings()
            return [_booking(row) for row in rows]

    def active_for_nik(self, service: str, nik: str) -> Booking | None:
        """The active booking of a NIK for a service, if any."""
        with self._db.session() as session:
            return self._active(session.connection(), service, nik)

    def for_chat(self, chat_ref: str) -> list[Booking]:
        """Every booking made from a chat, newest first."""
        stmt = (
            sa.select(BOOKING)
            .where(BOOKING.c.chat_ref == chat_ref)
            .order_by(BOOKING.c.created_at.desc(), BOOKING.c.id.desc())
        )
        with self._db.session() as session:
            return [_booking(row) for row in session.connection().execute(stmt).mappings()]
