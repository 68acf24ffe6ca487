"""Stateful property test: the service on a real database against a simple in-memory model.

Hypothesis runs random sequences of book / cancel / reschedule / close-day / reopen /
change-quota on three small days (2 places each), and after every step compares every counter,
every list and every outcome (including the alternatives offered) with the model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from booking.errors import (
    AlreadyBooked,
    BookingError,
    BookingNotActive,
    DayFull,
    DayNotBookable,
    QuotaBelowBooked,
    Unbookable,
)
from booking.models import Booking, BookingStatus, DayAvailability
from booking.policy import BookingPolicy
from storage.db import Database
from tests.booking import D1, D2, D3, NOW, SERVICE, clear_booking_tables, make_service, nik

T = TypeVar("T")

DAYS = (D1, D2, D3)
POLICY = BookingPolicy(window_working_days=3, default_quota={SERVICE: 2})
CITIZENS = st.integers(min_value=0, max_value=5)
STATEFUL_SETTINGS = settings(
    max_examples=30,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass
class ModelBooking:
    """What the model knows of one booking."""

    nik: str
    day: date
    queue_number: int
    status: BookingStatus = BookingStatus.ACTIVE


@dataclass
class Model:
    """The whole booking state, the obvious way."""

    quota: dict[date, int] = field(default_factory=lambda: dict.fromkeys(DAYS, 2))
    closed: dict[date, bool] = field(default_factory=lambda: dict.fromkeys(DAYS, False))
    next_queue: dict[date, int] = field(default_factory=lambda: dict.fromkeys(DAYS, 1))
    bookings: dict[str, ModelBooking] = field(default_factory=dict)

    def active(self, day: date) -> list[str]:
        found = [
            (b.queue_number, code)
            for code, b in self.bookings.items()
            if b.day == day and b.status is BookingStatus.ACTIVE
        ]
        return [code for _, code in sorted(found)]

    def active_of(self, nik: str) -> str | None:
        for code, b in self.bookings.items():
            if b.nik == nik and b.status is BookingStatus.ACTIVE:
                return code
        return None

    def left(self, day: date) -> int:
        return 0 if self.closed[day] else self.quota[day] - len(self.active(day))

    def alternatives(self, *exclude: date) -> list[date]:
        return [d for d in DAYS if d not in exclude and self.left(d) > 0]

    def add(self, code: str, nik: str, day: date, queue_number: int) -> None:
        assert code not in self.bookings
        assert queue_number == self.next_queue[day]
        self.next_queue[day] += 1
        self.bookings[code] = ModelBooking(nik, day, queue_number)


def attempt(call: Callable[[], T]) -> T | BookingError:
    """The result of ``call``, or the booking error it raised (to compare with the model)."""
    try:
        return call()
    except BookingError as exc:
        return exc


def _machine(db: Database) -> type[RuleBasedStateMachine]:
    class BookingMachine(RuleBasedStateMachine):
        codes = Bundle("codes")

        def __init__(self) -> None:
            super().__init__()
            clear_booking_tables(db)
            self.service = make_service(db, POLICY)
            self.model = Model()

        @rule(target=codes, n=CITIZENS, day=st.sampled_from(DAYS))
        def book(self, n: int, day: date) -> object:
            model = self.model
            existing = model.active_of(nik(n))
            got = attempt(
                lambda: self.service.book(
                    service=SERVICE,
                    day=day,
                    nik=nik(n),
                    holder_name=f"Warga {n}",
                    chat_ref=f"test:{n}",
                    now=NOW,
                )
            )
            if isinstance(got, AlreadyBooked):
                assert got.existing.code == existing
                return multiple()
            assert existing is None
            if isinstance(got, DayNotBookable):
                assert model.closed[day]
                assert got.kind is Unbookable.CLOSED_BY_OFFICE
                return multiple()
            if isinstance(got, DayFull):
                assert not model.closed[day]
                assert model.left(day) == 0
                assert got.alternatives == model.alternatives(day)
                return multiple()
            assert isinstance(got, Booking)
            assert model.left(day) > 0
            model.add(got.code, nik(n), day, got.queue_number)
            return got.code

        @rule(code=codes)
        def cancel(self, code: str) -> None:
            known = self.model.bookings[code]
            got = attempt(lambda: self.service.cancel(code, NOW))
            if isinstance(got, BookingNotActive):
                assert known.status not in {BookingStatus.ACTIVE, BookingStatus.CANCELLED}
                return
            assert isinstance(got, Booking)
            assert known.status in {BookingStatus.ACTIVE, BookingStatus.CANCELLED}
            assert got.status is BookingStatus.CANCELLED
            known.status = BookingStatus.CANCELLED

        @rule(target=codes, code=codes, day=st.sampled_from(DAYS))
        def reschedule(self, code: str, day: date) -> object:
            model = self.model
            known = model.bookings[code]
            was_active = known.status is BookingStatus.ACTIVE
            got = attempt(lambda: self.service.reschedule(code, day, NOW))
            if isinstance(got, BookingNotActive):
                assert not was_active
                return multiple()
            assert was_active
            if isinstance(got, DayNotBookable):
                assert model.closed[day]
                return multiple()
            if isinstance(got, DayFull):
                assert model.left(day) == 0
                assert got.alternatives == model.alternatives(day, known.day)
                return multiple()
            assert isinstance(got, Booking)
            if day == known.day:
                assert got.code == code
                return multiple()
            assert model.left(day) > 0
            assert got.previous_code == code
            known.status = BookingStatus.RESCHEDULED
            model.add(got.code, known.nik, day, got.queue_number)
            return got.code

        @rule(day=st.sampled_from(DAYS))
        def close_day(self, day: date) -> None:
            expected = self.model.active(day)
            affected = self.service.close_day(SERVICE, day, "uji", NOW)
            assert [b.code for b in affected] == expected
            for code in expected:
                self.model.bookings[code].status = BookingStatus.CLOSED_BY_OFFICE
            self.model.closed[day] = True

        @rule(day=st.sampled_from(DAYS))
        def reopen_day(self, day: date) -> None:
            self.service.reopen_day(SERVICE, day, NOW)
            self.model.closed[day] = False

        @rule(day=st.sampled_from(DAYS), quota=st.integers(min_value=0, max_value=4))
        def set_quota(self, day: date, quota: int) -> None:
            booked = len(self.model.active(day))
            got = attempt(lambda: self.service.set_quota(SERVICE, day, quota, now=NOW))
            if isinstance(got, QuotaBelowBooked):
                assert quota < booked
                assert got.booked == booked
                return
            assert isinstance(got, DayAvailability)
            assert quota >= booked
            self.model.quota[day] = quota

        @invariant()
        def counters_match(self) -> None:
            model = self.model
            shown = {a.day: a for a in self.service.availability(SERVICE, NOW)}
            assert list(shown) == list(DAYS)
            for day in DAYS:
                a = shown[day]
                booked = len(model.active(day))
                assert (a.quota, a.booked, a.left, a.closed) == (
                    model.quota[day],
                    booked,
                    model.left(day),
                    model.closed[day],
                )
                assert 0 <= a.booked <= a.quota

        @invariant()
        def lists_match(self) -> None:
            for day in DAYS:
                listed = self.service.list_day(SERVICE, day, include_inactive=True)
                queues = [b.queue_number for b in listed]
                assert queues == list(range(1, self.model.next_queue[day]))
                active = [b.code for b in listed if b.status is BookingStatus.ACTIVE]
                assert active == self.model.active(day)
                for b in listed:
                    assert b.status is self.model.bookings[b.code].status

    return BookingMachine


def test_service_matches_the_model(db: Database) -> None:
    run_state_machine_as_test(_machine(db), settings=STATEFUL_SETTINGS)
