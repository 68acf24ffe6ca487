"""The office's working-day calendar and booking window (pure: no clock, no I/O).

Public holidays come from the maintained ``holidays`` library (country ``ID``), computed once per
year and cached; the office adds closures, collective leave and the rare extra working day through
``BookingPolicy``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Final

import holidays

from booking.errors import BookingConfigError, DayNotBookable, Unbookable
from booking.policy import BookingPolicy

COUNTRY: Final = "ID"
"""ISO 3166 code of Indonesia in the ``holidays`` library."""

WEEKEND: Final = "weekend"
"""Reason a Saturday or Sunday is closed."""
CLOSURE: Final = "closure"
"""Reason a day in ``BookingPolicy.closures`` is closed."""
COLLECTIVE_LEAVE: Final = "collective leave"
"""Reason a day of cuti bersama is closed."""
NO_OFFICE_HOURS: Final = "no office hours"
"""Reason a weekday without office hours (Monday to Friday, rarely) is closed."""

_SEARCH_LIMIT: Final = 400
"""Days scanned for the next working day before the policy is declared to close everything."""


class WorkingCalendar:
    """Which days the office works, and which days a citizen may book at a given moment."""

    def __init__(self, policy: BookingPolicy) -> None:
        self.policy = policy
        self._years: dict[int, tuple[dict[date, str], dict[date, str]]] = {}

    def _year(self, year: int) -> tuple[dict[date, str], dict[date, str]]:
        """The public holidays and the library's joint holidays of ``year`` (computed once)."""
        cached = self._years.get(year)
        if cached is not None:
            return cached
        lang = self.policy.holiday_language
        lib_public = holidays.country_holidays(COUNTRY, years=year, language=lang)
        public = {day: str(name) for day, name in lib_public.items()}
        joint: dict[date, str] = {}
        categories = tuple(getattr(lib_public, "supported_categories", ()))
        if self.policy.library_collective_leave and "government" in categories:
            lib_joint = holidays.country_holidays(
                COUNTRY, years=year, language=lang, categories=("government",)
            )
            joint = {day: str(name) for day, name in lib_joint.items()}
        self._years[year] = (public, joint)
        return public, joint

    def warm(self, *years: int) -> None:
        """Compute ``years`` now (at start-up): the library's first use imports its country
        tables, ~0.6 s of CPU that would otherwise fall on the first citizen to see the day
        question, with every other chat of the process waiting behind it on the event loop."""
        for year in years:
            self._year(year)

    def holiday_name(self, day: date) -> str | None:
        """The public holiday on ``day`` (in the policy's language), if there is one."""
        return self._year(day.year)[0].get(day)

    def is_collective_leave(self, day: date) -> bool:
        """Whether ``day`` is cuti bersama (from the policy, or the library when enabled)."""
        return day in self.policy.collective_leave or day in self._year(day.year)[1]

    def reason_closed(self, day: date) -> str | None:
        """Why the office is closed on ``day``, or ``None`` on a working day.

        The reason is the holiday's name, ``"collective leave"``, ``"closure"``, ``"weekend"``
        or, for a weekday the office has no hours on, ``"no office hours"``.
        """
        if day in self.policy.closures:
            return CLOSURE
        if day in self.policy.extra_working_days:
            return None
        name = self.holiday_name(day)
        if name is not None:
            return name
        if self.is_collective_leave(day):
            return COLLECTIVE_LEAVE
        if self.policy.hours_on(day) is None:
            return WEEKEND if day.weekday() >= 5 else NO_OFFICE_HOURS
        return None

    def is_working_day(self, day: date) -> bool:
        """Whether the office serves citizens on ``day``."""
        return self.reason_closed(day) is None

    def next_working_days(self, after: date, n: int) -> list[date]:
        """The first ``n`` working days strictly after ``after``, in order."""
        if n < 0:
            raise ValueError("n must not be negative")
        days: list[date] = []
        day = after
        gap = 0
        while len(days) < n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                days.append(day)
                gap = 0
            else:
                gap += 1
                if gap > _SEARCH_LIMIT:
                    raise BookingConfigError(f"no working day within {_SEARCH_LIMIT} days")
        return days

    def previous_working_day(self, before: date) -> date:
        """The last working day strictly before ``before``."""
        day = before
        for _ in range(_SEARCH_LIMIT):
            day -= timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise BookingConfigError(f"no working day within {_SEARCH_LIMIT} days")

    def _same_day_open(self, local: datetime) -> bool:
        if not self.policy.same_day_booking or not self.is_working_day(local.date()):
            return False
        hours = self.policy.hours_on(local.date())
        return hours is not None and local.time() < hours.closes

    def bookable_days(self, now: datetime) -> list[date]:
        """The days a citizen may book at ``now`` (timezone-aware), in order.

        Never a past day, a closed day (weekend, holiday, collective leave, closure) or today
        (unless ``same_day_booking``); see ``BookingPolicy`` for how the window moves.
        """
        local = self.policy.local(now)
        today = local.date()
        if self.is_working_day(today) and local.time() >= self.policy.opens_at:
            opened_on = today
        else:
            opened_on = self.previous_working_day(today)
        window = self.next_working_days(opened_on, self.policy.window_working_days)
        days = [day for day in window if day > today]
        if self._same_day_open(local):
            days.insert(0, today)
        return days

    def why_not_bookable(self, day: date, now: datetime) -> DayNotBookable | None:
        """The error explaining why ``day`` cannot be booked at ``now``, or ``None`` if it can."""
        today = self.policy.today(now)
        if day < today:
            return DayNotBookable(day, Unbookable.PAST)
        reason = self.reason_closed(day)
        if reason is not None:
            return DayNotBookable(day, Unbookable.OFFICE_CLOSED, reason)
        if day in self.bookable_days(now):
            return None
        if day == today:
            return DayNotBookable(day, Unbookable.TODAY)
        return DayNotBookable(day, Unbookable.NOT_OPEN_YET)
