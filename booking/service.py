"""The booking service: what the chat layer and staff pages call to book, cancel and manage days.

It checks requests against the working calendar and the policy, and leaves every change of state
to one atomic operation of the store, so that any number of workers in any number of processes
can serve citizens at once without overbooking.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime

from booking.calendar import WorkingCalendar
from booking.codes import code_factory
from booking.errors import (
    BookingNotFound,
    DayFull,
    DayNotBookable,
    UnknownService,
    UnknownSession,
)
from booking.models import (
    Booking,
    BookingStatus,
    DayAvailability,
    DayPlan,
    DayState,
    SessionAvailability,
)
from booking.policy import BookingPolicy
from booking.ports import BookingStore, NewBooking

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
"""Returns the current time, timezone-aware."""


def utc_now() -> datetime:
    """The system clock in UTC: the ``clock`` the composition root passes in production."""
    return datetime.now(UTC)


class BookingService:
    """Availability, booking, cancelling and moving places; closing days and changing quotas.

    Every method that depends on the time takes ``now`` (timezone-aware); without it the
    injected ``clock`` is read.
    """

    def __init__(
        self,
        store: BookingStore,
        calendar: WorkingCalendar,
        policy: BookingPolicy,
        clock: Clock = utc_now,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self.calendar = calendar
        self.policy = policy
        self._clock = clock
        self._monotonic = monotonic
        self._changes = 0
        """How often recent reads were made stale (``_forget_recent``): an entry of ``_recent``
        counts only while this is the number it was read at, so a read that was under way when
        a day changed is not used after the change."""
        self._recent: dict[tuple[str, tuple[date, ...]], tuple[float, int, dict[date, DayState]]]
        self._recent = {}

    # -- helpers -------------------------------------------------------------------------------

    def _now(self, now: datetime | None) -> datetime:
        moment = self._clock() if now is None else now
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("a timezone-aware datetime is required")
        return moment.astimezone(UTC)

    def _check_service(self, service: str) -> None:
        if service not in self.policy.default_quota:
            raise UnknownService(service)

    def plan(self, service: str, day: date) -> DayPlan:
        """The counters ``day`` starts with for ``service`` under the policy."""
        sessions = self.policy.sessions_on(service, day)
        return DayPlan(
            quota=self.policy.quota_on(service, day),
            sessions=tuple((s.name, s.share) for s in sessions),
        )

    @staticmethod
    def _check_session(plan: DayPlan, day: date, session: str | None) -> None:
        if session is not None and session not in dict(plan.sessions):
            raise UnknownSession(day, session)

    def _availability(self, service: str, day: date, state: DayState | None) -> DayAvailability:
        if state is None:
            plan = self.plan(service, day)
            quota, booked, closed, reason = plan.quota, 0, False, None
            counters = [(name, share, 0) for name, share in plan.sessions]
        else:
            quota, booked, closed, reason = (
                state.quota,
                state.booked,
                state.closed,
                state.closed_reason,
            )
            counters = [(s.name, s.quota, s.booked) for s in state.sessions]
        left = 0 if closed else max(quota - booked, 0)
        defined = {s.name: s for s in self.policy.sessions.get(service, ())}
        sessions = tuple(
            SessionAvailability(
                name=name,
                starts=defined[name].starts if name in defined else None,
                ends=defined[name].ends if name in defined else None,
                quota=s_quota,
                booked=s_booked,
                left=min(left, max(s_quota - s_booked, 0)),
            )
            for name, s_quota, s_booked in counters
        )
        return DayAvailability(
            day=day,
            quota=quota,
            booked=booked,
            left=left,
            closed=closed,
            closed_reason=reason,
            sessions=sessions,
        )

    def _alternatives(self, service: str, now: datetime, *exclude: date) -> list[date]:
        """The nearest other bookable days with places, in calendar order."""
        if not exclude:
            return []
        wanted = exclude[0]
        free = [
            a.day for a in self.availability(service, now) if a.bookable and a.day not in exclude
        ]
        nearest = sorted(free, key=lambda d: (abs((d - wanted).days), d))
        return sorted(nearest[: self.policy.max_alternatives])

    # -- citizens ------------------------------------------------------------------------------

    def availability(
        self, service: str, now: datetime | None = None, *, max_age: float = 0.0
    ) -> list[DayAvailability]:
        """Places of each day a citizen may book at ``now`` (days closed by staff say so).

        ``max_age`` (seconds): the counters may come from a read of the same days at most that
        old, unless staff changed a day through this service since (closed or opened it,
        changed its quota). For the list of days shown to citizens: under a burst every citizen
        asks for it at once, and the places left are a hint anyway (a booking checks them
        again, atomically, and offers other days when one filled up). Bookings, and other
        processes' changes, show after ``max_age`` at most.
        """
        self._check_service(service)
        moment = self._now(now)
        days = self.calendar.bookable_days(moment)
        states = self._day_states(service, days, max_age)
        return [self._availability(service, day, states.get(day)) for day in days]

    def _day_states(self, service: str, days: list[date], max_age: float) -> dict[date, DayState]:
        if max_age <= 0:
            return self._store.day_states(service, days)
        key = (service, tuple(days))
        changes, at = self._changes, self._monotonic()
        recent = self._recent.get(key)
        if recent is not None and recent[1] == changes and at - recent[0] <= max_age:
            return recent[2]
        states = self._store.day_states(service, days)
        if len(self._recent) >= 16:  # windows of days gone by
            self._recent.clear()
        self._recent[key] = (at, changes, states)
        return states

    @contextmanager
    def _changing(self) -> Iterator[None]:
        """Around a change staff make to a day (closed or opened, its quota): recent
        availability reads are not used after it. Bookings and cancellations, which under a
        burst come many times a second, only move the places left, and those may lag by
        ``max_age``."""
        try:
            yield
        finally:
            self._forget_recent()

    def _forget_recent(self) -> None:
        """Recent availability reads are stale: the next ones read the database. Also when a
        booking finds its day full or closed, so that the days offered next (the day question
        asked again) no longer show that day as open."""
        self._changes += 1

    def book(
        self,
        *,
        service: str,
        day: date,
        nik: str,
        holder_name: str,
        chat_ref: str,
        session: str | None = None,
        now: datetime | None = None,
    ) -> Booking:
        """Book one place on ``day``; returns the confirmed booking with its code and queue number.

        Raises ``DayNotBookable``, ``DayFull`` (with ``alternatives``), ``AlreadyBooked`` (with
        the ``existing`` booking), ``SessionFull`` or ``UnknownSession``.
        """
        self._check_service(service)
        moment = self._now(now)
        error = self.calendar.why_not_bookable(day, moment)
        if error is not None:
            raise error
        plan = self.plan(service, day)
        self._check_session(plan, day, session)
        request = NewBooking(
            service=service,
            day=day,
            nik=nik,
            holder_name=holder_name,
            chat_ref=chat_ref,
            session=session,
        )
        try:
            booking = self._store.take(
                request,
                plan=plan,
                today=self.policy.today(moment),
                at=moment,
                new_code=code_factory(self.policy.code_prefix(service)),
            )
        except DayFull:
            self._forget_recent()
            raise DayFull(day, self._alternatives(service, moment, day)) from None
        except DayNotBookable:  # closed by staff, perhaps through another process
            self._forget_recent()
            raise
        log.info(
            "booked %s %s on %s queue %d nik %s",
            booking.code,
            service,
            day.isoformat(),
            booking.queue_number,
            booking.masked_nik,
        )
        return booking

    def cancel(self, code: str, now: datetime | None = None) -> Booking:
        """Cancel a booking; its place is free for others at once. Idempotent for a cancelled one.

        Raises ``BookingNotFound``, or ``BookingNotActive`` (moved, closed by the office, past).
        """
        moment = self._now(now)
        booking = self._store.cancel(code, today=self.policy.today(moment), at=moment)
        log.info("cancelled %s on %s", booking.code, booking.day.isoformat())
        return booking

    def reschedule(
        self,
        code: str,
        new_day: date,
        now: datetime | None = None,
        *,
        session: str | None = None,
    ) -> Booking:
        """Move a booking to ``new_day``; returns the new booking (a new code and queue number).

        Atomic: if the new day is full (``DayFull`` with alternatives) the old booking stays as
        it was. Moving to the booking's own day (and session) returns it unchanged. Raises
        ``BookingNotFound``, ``BookingNotActive``, ``DayNotBookable``, ``SessionFull``.
        """
        moment = self._now(now)
        current = self.get(code)
        if current.is_active and new_day == current.day and session in (None, current.session):
            return current
        error = self.calendar.why_not_bookable(new_day, moment)
        if error is not None:
            raise error
        plan = self.plan(current.service, new_day)
        self._check_session(plan, new_day, session)
        try:
            booking = self._store.reschedule(
                current.code,
                new_day=new_day,
                session=session,
                plan=plan,
                today=self.policy.today(moment),
                at=moment,
                new_code=code_factory(self.policy.code_prefix(current.service)),
            )
        except DayFull:
            self._forget_recent()
            alternatives = self._alternatives(current.service, moment, new_day, current.day)
            raise DayFull(new_day, alternatives) from None
        except DayNotBookable:
            self._forget_recent()
            raise
        log.info(
            "rescheduled %s from %s to %s as %s",
            current.code,
            current.day.isoformat(),
            new_day.isoformat(),
            booking.code,
        )
        return booking

    def get(self, code: str) -> Booking:
        """The booking with ``code``; raises ``BookingNotFound``."""
        booking = self._store.get(code)
        if booking is None:
            raise BookingNotFound(code)
        return booking

    def find(self, code: str) -> Booking | None:
        """The booking with ``code``, or ``None``."""
        return self._store.get(code)

    def active_for_nik(self, service: str, nik: str, now: datetime | None = None) -> Booking | None:
        """The citizen's active booking for ``service`` on today or later, if any."""
        self._check_service(service)
        booking = self._store.active_for_nik(service, nik)
        if booking is None or booking.day < self.policy.today(self._now(now)):
            return None
        return booking

    def bookings_for_chat(self, chat_ref: str) -> list[Booking]:
        """Every booking made from a chat (any status), newest first."""
        return self._store.for_chat(chat_ref)

    # -- staff ---------------------------------------------------------------------------------

    def day_availability(self, service: str, day: date) -> DayAvailability:
        """Places of any one day (also outside the window), for staff."""
        return self.days_availability(service, [day])[0]

    def days_availability(self, service: str, days: Sequence[date]) -> list[DayAvailability]:
        """Places of each of ``days`` (also outside the window), in that order, read at once."""
        self._check_service(service)
        states = self._store.day_states(service, days)
        return [self._availability(service, day, states.get(day)) for day in days]

    def list_day(self, service: str, day: date, *, include_inactive: bool = False) -> list[Booking]:
        """Who is coming on ``day``, in queue order (with ``include_inactive``, every booking)."""
        self._check_service(service)
        statuses = None if include_inactive else (BookingStatus.ACTIVE,)
        return self._store.list_day(service, day, statuses=statuses)

    def close_day(
        self, service: str, day: date, reason: str, now: datetime | None = None
    ) -> list[Booking]:
        """Close ``day`` for booking; returns its active bookings, now ``closed_by_office``.

        The chat layer tells each citizen and offers another day. The day is no longer offered.
        """
        self._check_service(service)
        moment = self._now(now)
        with self._changing():
            affected = self._store.close_day(
                service, day, reason=reason, plan=self.plan(service, day), at=moment
            )
        log.info("closed %s on %s: %d bookings affected", service, day.isoformat(), len(affected))
        return affected

    def reopen_day(self, service: str, day: date, now: datetime | None = None) -> DayAvailability:
        """Open a day closed by ``close_day`` again; its closed bookings stay closed."""
        self._check_service(service)
        moment = self._now(now)
        with self._changing():
            state = self._store.reopen_day(service, day, plan=self.plan(service, day), at=moment)
        log.info("reopened %s on %s", service, day.isoformat())
        return self._availability(service, day, state)

    def set_quota(
        self,
        service: str,
        day: date,
        quota: int,
        *,
        session: str | None = None,
        now: datetime | None = None,
    ) -> DayAvailability:
        """Change the places of ``day`` (or of one of its sessions); never below those booked.

        Raises ``QuotaBelowBooked``, ``SessionRequired`` (the day has sessions: name one),
        ``UnknownSession``, ``ValueError`` for a negative quota.
        """
        self._check_service(service)
        if quota < 0:
            raise ValueError("a quota cannot be negative")
        moment = self._now(now)
        with self._changing():
            state = self._store.set_quota(
                service, day, quota, session=session, plan=self.plan(service, day), at=moment
            )
        log.info(
            "quota of %s on %s%s set to %d",
            service,
            day.isoformat(),
            f" ({session})" if session else "",
            quota,
        )
        return self._availability(service, day, state)
