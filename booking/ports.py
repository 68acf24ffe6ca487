"""What the booking service needs from storage: one narrow interface, implemented in ``storage``.

Every method is one atomic unit of work. The invariants are the store's to keep under concurrent
callers in several processes: a day never has more ``booked`` than its ``quota``; a NIK holds at
most one active booking per service; queue numbers of a service-day are never given twice; and
``booked`` always equals the number of bookings of that day in ``HOLDING_STATUSES``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from booking.codes import CodeFactory
from booking.models import Booking, BookingStatus, DayPlan, DayState


@dataclass(frozen=True, slots=True)
class NewBooking:
    """A request for one place, already checked against the calendar by the service."""

    service: str
    """Service key."""
    day: date
    """The day asked for."""
    nik: str
    """NIK of the citizen who will come."""
    holder_name: str
    """Their name."""
    chat_ref: str
    """The chat that asks."""
    session: str | None = None
    """The session asked for; ``None`` takes the first session with a place (if any)."""


class BookingStore(Protocol):
    """Persistence of day counters and bookings, with the atomic operations of the service.

    Methods raise the ``booking.errors`` named in their docstrings; anything else is a storage
    failure.
    """

    def day_states(self, service: str, days: Sequence[date]) -> dict[date, DayState]:
        """Stored counters of those ``days`` that have any (days never written are absent)."""
        ...

    def take(
        self,
        request: NewBooking,
        *,
        plan: DayPlan,
        today: date,
        at: datetime,
        new_code: CodeFactory,
    ) -> Booking:
        """Take one place and record the booking, atomically.

        Writes the day's counters from ``plan`` first if the day has none. Active bookings of
        the NIK on days before ``today`` become ``expired``. Raises ``AlreadyBooked`` (another
        active booking of the NIK for the service, even one made concurrently),
        ``DayNotBookable`` (closed by the office), ``DayFull`` (without alternatives),
        ``SessionFull`` or ``UnknownSession``.
        """
        ...

    def cancel(self, code: str, *, today: date, at: datetime) -> Booking:
        """Cancel an active booking and free its place at once; returns the cancelled booking.

        Cancelling an already cancelled booking returns it unchanged. Raises ``BookingNotFound``,
        or ``BookingNotActive`` when it was moved, closed by the office, or its day is past.
        """
        ...

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
        """Move an active booking to ``new_day`` in one transaction; returns the new booking.

        The new place is taken and the old one freed together; the old booking becomes
        ``rescheduled``. If the new day is full nothing changes. Raises ``BookingNotFound``,
        ``BookingNotActive``, ``DayNotBookable`` (closed by the office), ``DayFull``,
        ``SessionFull`` or ``UnknownSession``.
        """
        ...

    def close_day(
        self, service: str, day: date, *, reason: str, plan: DayPlan, at: datetime
    ) -> list[Booking]:
        """Close a day; its active bookings become ``closed_by_office`` and are returned.

        Closing a closed day again only updates the reason and returns no bookings.
        """
        ...

    def reopen_day(self, service: str, day: date, *, plan: DayPlan, at: datetime) -> DayState:
        """Open a closed day for booking again (bookings closed by the office stay closed)."""
        ...

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
        """Change the places of a day, or of one session of it (the day's quota follows).

        Raises ``QuotaBelowBooked`` when fewer places than already booked are asked for,
        ``SessionRequired`` for a whole day that has sessions, ``UnknownSession``.
        """
        ...

    def get(self, code: str) -> Booking | None:
        """The booking with ``code``, in any status."""
        ...

    def list_day(
        self, service: str, day: date, *, statuses: Collection[BookingStatus] | None = None
    ) -> list[Booking]:
        """Bookings of a service-day in queue order, of the given statuses (all by default)."""
        ...

    def active_for_nik(self, service: str, nik: str) -> Booking | None:
        """The active booking of a NIK for a service, if any (its day may be past)."""
        ...

    def for_chat(self, chat_ref: str) -> list[Booking]:
        """Every booking made from a chat, newest first."""
        ...
