"""Values of the booking domain: bookings, the state of a day, availability answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Final

# One masking rule for the whole product (logs, staff lists, check-in): ``3371xxxxxxxx0001``.
from flows.validators import mask_nik


class BookingStatus(StrEnum):
    """Where a booking stands. Only ``ACTIVE`` bookings hold a place that can still be used."""

    ACTIVE = "active"
    """Confirmed; the citizen is expected on the day."""
    CANCELLED = "cancelled"
    """Cancelled by the citizen; the place was freed at once."""
    RESCHEDULED = "rescheduled"
    """Moved to another day: a new booking (``previous_code`` = this code) holds the new place."""
    CLOSED_BY_OFFICE = "closed_by_office"
    """The office closed the day; the chat layer offers the citizen another day."""
    EXPIRED = "expired"
    """The day passed while the booking was active; set when the same NIK books again."""


HOLDING_STATUSES: Final = frozenset({BookingStatus.ACTIVE, BookingStatus.EXPIRED})
"""Statuses that count in a day's ``booked``: the place was (or is) used by that booking."""


@dataclass(frozen=True, slots=True)
class Booking:
    """A booking of one place on one day for one service, as stored.

    ``nik`` and ``holder_name`` are personal data and are left out of ``repr`` so that a booking
    in a log line or a traceback shows neither; use ``masked_nik`` where one must be shown.
    """

    code: str
    """Human-friendly unique code, e.g. ``KTP-7K4M9Q``; the citizen quotes it at the counter."""
    service: str
    """Service key, e.g. ``ktp_recording``."""
    day: date
    """The day of the visit (office local date)."""
    queue_number: int
    """Order of arrival on that day for that service, from 1; never given twice on one day."""
    session: str | None
    """Session name when the service has sessions that day."""
    nik: str = field(repr=False)
    """NIK of the citizen who will come (personal data)."""
    holder_name: str = field(repr=False)
    """Name of that citizen (personal data)."""
    chat_ref: str
    """Opaque reference of the chat that booked (e.g. ``telegram:12345``), for follow-ups."""
    status: BookingStatus
    """Where the booking stands."""
    created_at: datetime
    """When the booking was made (UTC)."""
    updated_at: datetime
    """When its status last changed (UTC)."""
    previous_code: str | None = None
    """The booking this one replaced by a reschedule, if any."""
    status_reason: str | None = None
    """Why the status changed, e.g. the office's reason for closing the day."""

    @property
    def masked_nik(self) -> str:
        """The NIK masked for logs and staff lists."""
        return mask_nik(self.nik)

    @property
    def is_active(self) -> bool:
        """Whether the booking still holds its place."""
        return self.status is BookingStatus.ACTIVE


@dataclass(frozen=True, slots=True)
class SessionState:
    """Stored counters of one session of one day."""

    name: str
    """Session name."""
    quota: int
    """Places of the session on that day."""
    booked: int
    """Places taken (active bookings, plus expired ones on past days)."""


@dataclass(frozen=True, slots=True)
class DayState:
    """Stored counters of one service on one day."""

    service: str
    """Service key."""
    day: date
    """The day."""
    quota: int
    """Places on that day."""
    booked: int
    """Places taken."""
    closed: bool
    """Whether staff closed the day."""
    closed_reason: str | None
    """Staff's reason for closing it."""
    next_queue: int
    """The queue number the next booking will get."""
    sessions: tuple[SessionState, ...] = ()
    """Per-session counters, in the policy's session order."""


@dataclass(frozen=True, slots=True)
class DayPlan:
    """The quota a day starts with when its counters are first written (created lazily)."""

    quota: int
    """Places on the day."""
    sessions: tuple[tuple[str, int], ...] = ()
    """``(session name, share)`` of each session held that day, in order."""


@dataclass(frozen=True, slots=True)
class SessionAvailability:
    """Places of one session of a day, for the chat layer's buttons and staff views."""

    name: str
    """Session name (``morning``); translate for display."""
    starts: time | None
    """Arrival time, from the policy (``None`` for a session no longer in the policy)."""
    ends: time | None
    """End time, from the policy."""
    quota: int
    """Places in the session."""
    booked: int
    """Places taken."""
    left: int
    """Places still free (0 when the day is closed)."""


@dataclass(frozen=True, slots=True)
class DayAvailability:
    """Places of one bookable day for one service."""

    day: date
    """The day."""
    quota: int
    """Places on the day."""
    booked: int
    """Places taken."""
    left: int
    """Places still free (0 when the day is closed)."""
    closed: bool
    """Whether staff closed the day (it is then not offered)."""
    closed_reason: str | None = None
    """Staff's reason for closing it."""
    sessions: tuple[SessionAvailability, ...] = ()
    """Per-session places when the service has sessions that day."""

    @property
    def bookable(self) -> bool:
        """Whether a citizen can pick this day now."""
        return not self.closed and self.left > 0
