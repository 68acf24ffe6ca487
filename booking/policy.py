"""Booking configuration: the office's calendar, quotas, sessions and booking window.

Values are built once by the composition root (from the office YAML and settings) and passed in
through constructors; nothing here reads configuration or the clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Final
from zoneinfo import ZoneInfo

from booking.errors import BookingConfigError

KTP_RECORDING: Final = "ktp_recording"
"""The service key of KTP-el recording (perekaman), the first bookable service."""


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """When the counter serves citizens on one weekday (local time)."""

    opens: time
    """First service time, e.g. 08:00."""

    closes: time
    """Last service time, e.g. 15:00 (11:00 on Fridays at many offices)."""

    def __post_init__(self) -> None:
        if self.opens >= self.closes:
            raise BookingConfigError(f"office hours must open before they close: {self}")


@dataclass(frozen=True, slots=True)
class Session:
    """A part of the day with its own share of the day's places (e.g. morning 08:00-12:00, 20)."""

    name: str
    """Stable key stored with each booking, e.g. ``"morning"``; the chat layer translates it."""

    starts: time
    """When citizens of this session should arrive (local time)."""

    ends: time
    """When this session ends (local time)."""

    share: int
    """Places of this session; the shares of a service sum to its day quota."""

    def __post_init__(self) -> None:
        if not self.name:
            raise BookingConfigError("a session needs a name")
        if self.starts >= self.ends:
            raise BookingConfigError(f"session {self.name!r} must start before it ends")
        if self.share < 0:
            raise BookingConfigError(f"session {self.name!r} has a negative share")

    def held_within(self, hours: OfficeHours) -> bool:
        """Whether the session overlaps ``hours`` (a short Friday leaves out the afternoon)."""
        return self.starts < hours.closes and hours.opens < self.ends


def _default_office_hours() -> Mapping[int, OfficeHours]:
    mon_thu = OfficeHours(time(8, 0), time(15, 0))
    return {0: mon_thu, 1: mon_thu, 2: mon_thu, 3: mon_thu, 4: OfficeHours(time(8, 0), time(11, 0))}


def _default_quota() -> Mapping[str, int]:
    return {KTP_RECORDING: 30}


def _default_code_prefixes() -> Mapping[str, str]:
    return {KTP_RECORDING: "KTP"}


def _empty_sessions() -> Mapping[str, tuple[Session, ...]]:
    return {}


@dataclass(frozen=True)
class BookingPolicy:
    """How an office takes bookings: which days, how many places, and how far ahead.

    **The booking window.** A day becomes bookable at ``opens_at`` (local time in ``timezone``) on
    the working day that lies ``window_working_days`` working days before it. Put the other way:
    at or after ``opens_at`` on a working day *D*, the window is the next ``window_working_days``
    working days after *D*; before ``opens_at`` on *D* (and on a day that is not a working day)
    the window is the one opened on the last working day before, so it ends one working day
    earlier. Today itself is offered only with ``same_day_booking`` (and only before today's office
    hours end); past days never are. With the defaults, at 07:00 on Monday the tenth working day
    ahead opens, and on Saturday or Sunday the window is still the one Friday 07:00 opened.

    **Working days.** Monday to Friday (the weekdays in ``office_hours``), except the public
    holidays of the maintained ``holidays`` library (Indonesia), ``collective_leave`` (cuti
    bersama; plus the library's own joint-holiday list when ``library_collective_leave``) and
    ``closures``. ``extra_working_days`` open a day that would otherwise be off (a Saturday
    recording drive); ``closures`` win over everything.
    """

    timezone: str = "Asia/Jakarta"
    """IANA time zone of the office; the window and "today" are computed in it."""

    window_working_days: int = 10
    """How many working days ahead can be booked (see the class docstring for the exact rule)."""

    opens_at: time = time(7, 0)
    """Local time at which the next day of the window becomes bookable, each working day."""

    default_quota: Mapping[str, int] = field(default_factory=_default_quota)
    """Places per day for each bookable service (the service keys); staff may change single days."""

    closures: frozenset[date] = frozenset()
    """Days the office is closed (a local event, a move, a system outage announced ahead)."""

    collective_leave: frozenset[date] = frozenset()
    """Cuti bersama declared for civil servants, on top of the public holidays."""

    library_collective_leave: bool = True
    """Also close on the joint holidays (cuti bersama) the ``holidays`` library knows per year."""

    extra_working_days: frozenset[date] = frozenset()
    """Rare: days the office opens although they are a weekend, a holiday or collective leave."""

    extra_day_hours: OfficeHours = OfficeHours(time(8, 0), time(12, 0))
    """Office hours of an extra working day whose weekday has none in ``office_hours``."""

    sessions: Mapping[str, tuple[Session, ...]] = field(default_factory=_empty_sessions)
    """Optional sessions per service; their shares must sum to that service's day quota."""

    office_hours: Mapping[int, OfficeHours] = field(default_factory=_default_office_hours)
    """Hours per weekday (0 = Monday); a weekday missing here is not a working day."""

    same_day_booking: bool = False
    """Whether today can still be booked (until today's office hours end)."""

    holiday_language: str = "id"
    """Language of holiday names given as the reason a day is closed (``id`` or ``en_US``)."""

    code_prefixes: Mapping[str, str] = field(default_factory=_default_code_prefixes)
    """Prefix of booking codes per service (``KTP-7K4M9Q``); others use the service's initials."""

    max_alternatives: int = 5
    """How many other days with places a "day is full" answer suggests."""

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (KeyError, ValueError) as exc:
            raise BookingConfigError(f"unknown time zone {self.timezone!r}") from exc
        if self.window_working_days < 1:
            raise BookingConfigError("window_working_days must be at least 1")
        if self.max_alternatives < 0:
            raise BookingConfigError("max_alternatives must not be negative")
        if not self.office_hours:
            raise BookingConfigError("office_hours must name at least one weekday")
        if any(day not in range(7) for day in self.office_hours):
            raise BookingConfigError("office_hours keys are weekdays 0 (Monday) to 6 (Sunday)")
        for service, quota in self.default_quota.items():
            if not service or quota < 0:
                raise BookingConfigError(f"bad default quota for {service!r}: {quota}")
        for service, sessions in self.sessions.items():
            self._check_sessions(service, sessions)
        # Own copies: a caller changing its dict later must not change a policy in use.
        # (Plain dicts rather than read-only proxies so that a policy can be pickled.)
        for name in ("default_quota", "office_hours", "code_prefixes"):
            object.__setattr__(self, name, dict(getattr(self, name)))
        by_service = {service: tuple(items) for service, items in self.sessions.items()}
        object.__setattr__(self, "sessions", by_service)
        for name in ("closures", "collective_leave", "extra_working_days"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))

    def _check_sessions(self, service: str, sessions: tuple[Session, ...]) -> None:
        if service not in self.default_quota:
            raise BookingConfigError(f"sessions for unknown service {service!r}")
        names = [s.name for s in sessions]
        if len(set(names)) != len(names):
            raise BookingConfigError(f"session names of {service!r} repeat: {names}")
        total = sum(s.share for s in sessions)
        if sessions and total != self.default_quota[service]:
            raise BookingConfigError(
                f"session shares of {service!r} sum to {total}, "
                f"not the day quota {self.default_quota[service]}"
            )

    @property
    def tz(self) -> ZoneInfo:
        """The office's time zone."""
        return ZoneInfo(self.timezone)

    @property
    def services(self) -> tuple[str, ...]:
        """The bookable services, in configuration order."""
        return tuple(self.default_quota)

    def local(self, moment: datetime) -> datetime:
        """``moment`` (timezone-aware) in the office's time zone."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("a timezone-aware datetime is required")
        return moment.astimezone(self.tz)

    def today(self, now: datetime) -> date:
        """The office's calendar date at ``now``."""
        return self.local(now).date()

    def hours_on(self, day: date) -> OfficeHours | None:
        """Office hours on ``day`` by weekday (extra working days get ``extra_day_hours``)."""
        hours = self.office_hours.get(day.weekday())
        if hours is None and day in self.extra_working_days:
            return self.extra_day_hours
        return hours

    def sessions_on(self, service: str, day: date) -> tuple[Session, ...]:
        """The sessions of ``service`` held on ``day``: those overlapping its office hours."""
        sessions = self.sessions.get(service, ())
        hours = self.hours_on(day)
        if not sessions or hours is None:
            return ()
        return tuple(s for s in sessions if s.held_within(hours))

    def quota_on(self, service: str, day: date) -> int:
        """Places on ``day`` before staff change it: the default, or the shares of held sessions.

        A session outside the day's hours (the afternoon on a short Friday) is not held, and its
        share is not offered that day.
        """
        if self.sessions.get(service):
            return sum(s.share for s in self.sessions_on(service, day))
        return self.default_quota[service]

    def code_prefix(self, service: str) -> str:
        """The prefix of this service's booking codes."""
        prefix = self.code_prefixes.get(service)
        if prefix:
            return prefix
        initials = "".join(part[:1] for part in service.split("_") if part)
        return (initials or service[:3]).upper()
