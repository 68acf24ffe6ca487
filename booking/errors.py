"""Errors of the booking package; the chat layer turns each into a reply with the next step.

No message here contains a NIK or a name: errors end up in logs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from booking.models import Booking


class BookingError(Exception):
    """Root of every error raised by the ``booking`` package."""


class BookingConfigError(BookingError, ValueError):
    """The booking policy given by the office configuration is inconsistent."""


class UnknownService(BookingError, LookupError):  # noqa: N818 - reads as "UnknownService"
    """The service key is not one the policy takes bookings for."""

    def __init__(self, service: str) -> None:
        super().__init__(f"no bookings are taken for service {service!r}")
        self.service = service


class UnknownSession(BookingError, ValueError):  # noqa: N818 - reads as "UnknownSession"
    """The session named is not held for this service on that day."""

    def __init__(self, day: date, session: str) -> None:
        super().__init__(f"there is no session {session!r} on {day.isoformat()}")
        self.day = day
        self.session = session


class Unbookable(StrEnum):
    """Why a day cannot be booked."""

    PAST = "past"
    """The day is over (or earlier than today)."""
    TODAY = "today"
    """Today, and the office takes no same-day bookings (or today's hours are over)."""
    NOT_OPEN_YET = "not_open_yet"
    """Beyond the booking window: it opens later."""
    OFFICE_CLOSED = "office_closed"
    """Not a working day: weekend, public holiday, collective leave or announced closure."""
    CLOSED_BY_OFFICE = "closed_by_office"
    """Staff closed the day after it was opened for booking."""


class DayNotBookable(BookingError, ValueError):  # noqa: N818 - reads as "DayNotBookable"
    """The day cannot be booked; ``kind`` says why and ``detail`` names a holiday or reason."""

    def __init__(self, day: date, kind: Unbookable, detail: str | None = None) -> None:
        text = f"{day.isoformat()} cannot be booked: {kind.value}"
        super().__init__(f"{text} ({detail})" if detail else text)
        self.day = day
        self.kind = kind
        self.detail = detail


class DayFull(BookingError):  # noqa: N818 - reads as "DayFull"
    """Every place of the day is taken; ``alternatives`` are bookable days that still have places.

    The alternatives are the nearest days to the one asked for, in calendar order, and may be
    empty when the whole window is full.
    """

    def __init__(self, day: date, alternatives: Sequence[date] = ()) -> None:
        super().__init__(f"{day.isoformat()} is full")
        self.day = day
        self.alternatives: list[date] = list(alternatives)


class SessionFull(BookingError):  # noqa: N818 - reads as "SessionFull"
    """The session asked for is full; ``other_sessions`` of the same day still have places."""

    def __init__(self, day: date, session: str, other_sessions: Sequence[str] = ()) -> None:
        super().__init__(f"session {session!r} on {day.isoformat()} is full")
        self.day = day
        self.session = session
        self.other_sessions: list[str] = list(other_sessions)


class AlreadyBooked(BookingError):  # noqa: N818 - reads as "AlreadyBooked"
    """This NIK already holds an active booking for the service; ``existing`` is that booking."""

    def __init__(self, existing: Booking) -> None:
        super().__init__(
            f"an active {existing.service} booking exists: {existing.code} "
            f"on {existing.day.isoformat()}"
        )
        self.existing = existing


class BookingNotFound(BookingError, LookupError):  # noqa: N818 - reads as "BookingNotFound"
    """No booking has this code."""

    def __init__(self, code: str) -> None:
        super().__init__(f"no booking with code {code!r}")
        self.code = code


class BookingNotActive(BookingError):  # noqa: N818 - reads as "BookingNotActive"
    """The booking can no longer be changed: cancelled, moved, closed by the office, or past."""

    def __init__(self, booking: Booking, reason: str) -> None:
        super().__init__(f"booking {booking.code} cannot be changed: {reason}")
        self.booking = booking
        self.reason = reason


class QuotaBelowBooked(BookingError, ValueError):  # noqa: N818 - reads as "QuotaBelowBooked"
    """A new quota would be lower than the places already booked on that day (or session)."""

    def __init__(
        self, service: str, day: date, quota: int, booked: int, session: str | None = None
    ) -> None:
        where = f"{service} on {day.isoformat()}" + (f" ({session})" if session else "")
        super().__init__(f"quota {quota} is below the {booked} places already booked for {where}")
        self.service = service
        self.day = day
        self.quota = quota
        self.booked = booked
        self.session = session


class SessionRequired(BookingError, ValueError):  # noqa: N818 - reads as "SessionRequired"
    """This day is divided into sessions: change the quota of a session, not of the whole day."""

    def __init__(self, service: str, day: date) -> None:
        super().__init__(f"{service} on {day.isoformat()} has sessions: name one")
        self.service = service
        self.day = day
