"""The booking service on a real database: SQLite and PostgreSQL (``db`` fixture)."""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from booking.codes import CODE_ALPHABET
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
    UnknownService,
    UnknownSession,
)
from booking.models import Booking, BookingStatus
from booking.policy import BookingPolicy, Session
from booking.service import BookingService
from storage.db import Database
from tests.booking import D1, D2, D3, D4, NOW, SERVICE, make_service, nik, wib

CODE_RE = re.compile(rf"^KTP-[{CODE_ALPHABET}]{{6}}$")


@pytest.fixture
def service(db: Database) -> BookingService:
    """The service with the default policy (30 places a day)."""
    return make_service(db)


def book(
    service: BookingService,
    n: int,
    day: date = D1,
    *,
    now: datetime = NOW,
    session: str | None = None,
) -> Booking:
    """Book for synthetic citizen ``n``."""
    return service.book(
        service=SERVICE,
        day=day,
        nik=nik(n),
        holder_name=f"Warga Uji {n}",
        chat_ref=f"test:{n}",
        session=session,
        now=now,
    )


def test_book_confirms_a_place(service: BookingService) -> None:
    booking = book(service, 1)
    assert CODE_RE.match(booking.code)
    assert booking.queue_number == 1
    assert booking.status is BookingStatus.ACTIVE
    assert booking.day == D1
    assert booking.session is None
    assert booking.nik == nik(1)
    assert booking.created_at == NOW
    assert nik(1) not in repr(booking)
    assert service.get(booking.code) == booking
    [day1] = [a for a in service.availability(SERVICE, NOW) if a.day == D1]
    assert (day1.quota, day1.booked, day1.left, day1.closed) == (30, 1, 29, False)


def test_availability_of_listed_days_is_read_at_once_in_their_order(
    service: BookingService,
) -> None:
    book(service, 1, D1)
    book(service, 2, D3)
    book(service, 3, D3)
    service.close_day(SERVICE, D2, "Listrik padam", now=NOW)
    service.set_quota(SERVICE, D4, 5, now=NOW)
    far = D4 + timedelta(days=60)  # outside the booking window: staff may look at it
    days = [D4, D1, far, D3, D2]
    together = service.days_availability(SERVICE, days)
    assert together == [service.day_availability(SERVICE, d) for d in days]
    assert [(a.day, a.quota, a.booked, a.closed) for a in together] == [
        (D4, 5, 0, False),
        (D1, 30, 1, False),
        (far, 30, 0, False),
        (D3, 30, 2, False),
        (D2, 30, 0, True),
    ]
    assert service.days_availability(SERVICE, []) == []


def test_availability_lists_the_window(service: BookingService) -> None:
    days = service.availability(SERVICE, NOW)
    assert [a.day for a in days][:4] == [D1, D2, D3, D4]
    assert len(days) == 10
    assert all(a.bookable and a.left == 30 for a in days)


def test_same_nik_cannot_hold_two_active_bookings(service: BookingService) -> None:
    first = book(service, 1)
    with pytest.raises(AlreadyBooked) as same_day:
        book(service, 1)
    assert same_day.value.existing == first
    with pytest.raises(AlreadyBooked) as other_day:
        book(service, 1, D2)
    assert other_day.value.existing == first
    assert service.active_for_nik(SERVICE, nik(1), NOW) == first
    assert service.day_availability(SERVICE, D2).booked == 0


def test_cancel_frees_the_place_at_once(service: BookingService) -> None:
    service.set_quota(SERVICE, D1, 1, now=NOW)
    first = book(service, 1)
    with pytest.raises(DayFull):
        book(service, 2)
    cancelled = service.cancel(first.code, NOW)
    assert cancelled.status is BookingStatus.CANCELLED
    assert service.day_availability(SERVICE, D1).left == 1
    second = book(service, 2)
    assert second.queue_number == 2
    # The cancelled citizen may book again; cancelling twice is harmless.
    assert service.cancel(first.code, NOW) == cancelled
    book(service, 1, D2)


def test_cancel_errors(service: BookingService) -> None:
    with pytest.raises(BookingNotFound):
        service.cancel("KTP-2222222", NOW)
    booking = book(service, 1)
    with pytest.raises(BookingNotActive, match="past"):
        service.cancel(booking.code, wib(2026, 12, 3))
    moved = service.reschedule(booking.code, D2, NOW)
    with pytest.raises(BookingNotActive, match="rescheduled"):
        service.cancel(booking.code, NOW)
    assert service.cancel(moved.code, NOW).status is BookingStatus.CANCELLED


def test_day_full_offers_alternatives(service: BookingService) -> None:
    service.set_quota(SERVICE, D1, 2, now=NOW)
    service.set_quota(SERVICE, D2, 0, now=NOW)
    book(service, 1)
    book(service, 2)
    with pytest.raises(DayFull) as full:
        book(service, 3)
    assert full.value.day == D1
    # Nearest days with places, in calendar order; D2 has none.
    assert full.value.alternatives == [
        D3,
        D4,
        date(2026, 12, 8),
        date(2026, 12, 9),
        date(2026, 12, 10),
    ]
    assert service.active_for_nik(SERVICE, nik(3), NOW) is None


def test_reschedule_moves_the_booking(service: BookingService) -> None:
    old = book(service, 1)
    new = service.reschedule(old.code, D3, NOW)
    assert new.code != old.code
    assert new.previous_code == old.code
    assert (new.day, new.queue_number, new.status) == (D3, 1, BookingStatus.ACTIVE)
    assert (new.nik, new.holder_name, new.chat_ref) == (old.nik, old.holder_name, old.chat_ref)
    assert service.get(old.code).status is BookingStatus.RESCHEDULED
    assert service.day_availability(SERVICE, D1).booked == 0
    assert service.day_availability(SERVICE, D3).booked == 1
    assert service.active_for_nik(SERVICE, nik(1), NOW) == new
    assert service.reschedule(new.code, D3, NOW) == new  # same day: nothing to do


def test_reschedule_to_a_full_day_keeps_the_old_booking(service: BookingService) -> None:
    service.set_quota(SERVICE, D2, 1, now=NOW)
    book(service, 2, D2)
    old = book(service, 1)
    with pytest.raises(DayFull) as full:
        service.reschedule(old.code, D2, NOW)
    assert D2 not in full.value.alternatives
    assert D1 not in full.value.alternatives
    assert service.get(old.code) == old
    assert service.day_availability(SERVICE, D1).booked == 1
    assert service.day_availability(SERVICE, D2).booked == 1
    assert [b.code for b in service.list_day(SERVICE, D1)] == [old.code]


def test_reschedule_to_an_unbookable_day(service: BookingService) -> None:
    old = book(service, 1)
    with pytest.raises(DayNotBookable) as weekend:
        service.reschedule(old.code, date(2026, 12, 5), NOW)
    assert weekend.value.kind is Unbookable.OFFICE_CLOSED
    service.close_day(SERVICE, D2, "listrik padam", NOW)
    with pytest.raises(DayNotBookable) as closed:
        service.reschedule(old.code, D2, NOW)
    assert closed.value.kind is Unbookable.CLOSED_BY_OFFICE
    assert service.get(old.code) == old


def test_close_day_returns_the_affected_bookings(service: BookingService) -> None:
    bookings = [book(service, n) for n in range(1, 4)]
    other = book(service, 9, D2)
    service.cancel(bookings[1].code, NOW)
    affected = service.close_day(SERVICE, D1, "pemadaman listrik", NOW)
    assert [b.code for b in affected] == [bookings[0].code, bookings[2].code]
    assert all(b.status is BookingStatus.CLOSED_BY_OFFICE for b in affected)
    assert all(b.status_reason == "pemadaman listrik" for b in affected)
    day1 = service.day_availability(SERVICE, D1)
    assert (day1.closed, day1.closed_reason, day1.booked, day1.left) == (
        True,
        "pemadaman listrik",
        0,
        0,
    )
    offered = [a.day for a in service.availability(SERVICE, NOW) if a.bookable]
    assert D1 not in offered
    with pytest.raises(DayNotBookable) as closed:
        book(service, 5)
    assert closed.value.kind is Unbookable.CLOSED_BY_OFFICE
    assert closed.value.detail == "pemadaman listrik"
    # The affected citizens can take another day; others are untouched.
    assert book(service, 1, D3).day == D3
    assert service.get(other.code).status is BookingStatus.ACTIVE
    assert service.close_day(SERVICE, D1, "masih padam", NOW) == []
    service.reopen_day(SERVICE, D1, NOW)
    assert book(service, 5).queue_number == 4


def test_close_a_day_nobody_booked_yet(service: BookingService) -> None:
    assert service.close_day(SERVICE, D4, "rapat dinas", NOW) == []
    [d4] = [a for a in service.availability(SERVICE, NOW) if a.day == D4]
    assert d4.closed
    assert not d4.bookable


def test_set_quota_never_below_booked(service: BookingService) -> None:
    for n in range(1, 4):
        book(service, n)
    with pytest.raises(QuotaBelowBooked) as below:
        service.set_quota(SERVICE, D1, 2, now=NOW)
    assert (below.value.quota, below.value.booked) == (2, 3)
    assert service.set_quota(SERVICE, D1, 3, now=NOW).left == 0
    with pytest.raises(DayFull):
        book(service, 4)
    raised = service.set_quota(SERVICE, D1, 40, now=NOW)
    assert (raised.quota, raised.left) == (40, 37)
    with pytest.raises(ValueError, match="negative"):
        service.set_quota(SERVICE, D2, -1, now=NOW)
    assert service.set_quota(SERVICE, D2, 0, now=NOW).left == 0


def test_queue_numbers_are_never_reused(service: BookingService) -> None:
    bookings = [book(service, n) for n in range(1, 4)]
    service.cancel(bookings[2].code, NOW)
    service.cancel(bookings[1].code, NOW)
    assert book(service, 4).queue_number == 4
    service.reschedule(bookings[0].code, D2, NOW)
    assert book(service, 5).queue_number == 5
    assert [b.queue_number for b in service.list_day(SERVICE, D1)] == [4, 5]
    everyone = service.list_day(SERVICE, D1, include_inactive=True)
    assert [b.queue_number for b in everyone] == [1, 2, 3, 4, 5]


def test_codes_are_unique(service: BookingService) -> None:
    codes = [book(service, n, day).code for n, day in enumerate([D1] * 30 + [D2] * 30)]
    assert len(set(codes)) == 60
    assert all(CODE_RE.match(code) for code in codes)


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (date(2026, 11, 30), Unbookable.PAST),
        (date(2026, 12, 1), Unbookable.TODAY),
        (date(2026, 12, 5), Unbookable.OFFICE_CLOSED),
        (date(2026, 12, 25), Unbookable.OFFICE_CLOSED),
        (date(2026, 12, 16), Unbookable.NOT_OPEN_YET),
    ],
)
def test_days_outside_the_window_cannot_be_booked(
    service: BookingService, day: date, kind: Unbookable
) -> None:
    with pytest.raises(DayNotBookable) as error:
        book(service, 1, day)
    assert error.value.kind is kind
    assert service.list_day(SERVICE, day, include_inactive=True) == []


def test_unknown_service(service: BookingService) -> None:
    with pytest.raises(UnknownService):
        service.availability("passport", NOW)
    with pytest.raises(UnknownService):
        service.book(service="passport", day=D1, nik=nik(1), holder_name="A", chat_ref="c", now=NOW)


def test_a_past_active_booking_expires_when_the_citizen_books_again(
    service: BookingService,
) -> None:
    old = book(service, 1)
    later = wib(2026, 12, 7)
    assert service.active_for_nik(SERVICE, nik(1), later) is None
    with pytest.raises(BookingNotActive, match="past"):
        service.reschedule(old.code, date(2026, 12, 9), later)
    new = book(service, 1, date(2026, 12, 9), now=later)
    assert service.get(old.code).status is BookingStatus.EXPIRED
    assert service.day_availability(SERVICE, D1).booked == 1  # the place was used
    assert service.active_for_nik(SERVICE, nik(1), later) == new


def test_bookings_for_chat_newest_first(service: BookingService) -> None:
    first = book(service, 1)
    second = service.reschedule(first.code, D2, wib(2026, 12, 1, 10))
    assert [b.code for b in service.bookings_for_chat("test:1")] == [second.code, first.code]
    assert service.bookings_for_chat("test:404") == []


def test_logs_never_show_a_full_nik(
    service: BookingService, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    booking = book(service, 123456)
    with pytest.raises(AlreadyBooked):
        book(service, 123456)
    moved = service.reschedule(booking.code, D2, NOW)
    service.cancel(moved.code, NOW)
    service.close_day(SERVICE, D3, "x", NOW)
    assert nik(123456) not in caplog.text
    assert "3371xxxxxxxx3456" in caplog.text


# -- sessions -----------------------------------------------------------------------------------

SESSIONS = (
    Session("morning", time(8, 0), time(12, 0), 2),
    Session("afternoon", time(13, 0), time(15, 0), 1),
)


@pytest.fixture
def sessioned(db: Database) -> BookingService:
    """A service whose days have a morning (2 places) and an afternoon (1 place)."""
    policy = BookingPolicy(default_quota={SERVICE: 3}, sessions={SERVICE: SESSIONS})
    return make_service(db, policy)


def test_sessions_fill_in_order(sessioned: BookingService) -> None:
    got = [book(sessioned, n).session for n in range(1, 4)]
    assert got == ["morning", "morning", "afternoon"]
    with pytest.raises(DayFull):
        book(sessioned, 4)
    day = sessioned.day_availability(SERVICE, D1)
    assert [(s.name, s.quota, s.booked, s.left) for s in day.sessions] == [
        ("morning", 2, 2, 0),
        ("afternoon", 1, 1, 0),
    ]
    assert day.sessions[0].starts == time(8, 0)


def test_asking_for_a_full_session(sessioned: BookingService) -> None:
    book(sessioned, 1, session="afternoon")
    with pytest.raises(SessionFull) as full:
        book(sessioned, 2, session="afternoon")
    assert full.value.other_sessions == ["morning"]
    with pytest.raises(UnknownSession):
        book(sessioned, 2, session="evening")
    assert book(sessioned, 2, session="morning").session == "morning"


def test_friday_holds_only_the_morning(sessioned: BookingService) -> None:
    friday = D3
    day = sessioned.day_availability(SERVICE, friday)
    assert (day.quota, [s.name for s in day.sessions]) == (2, ["morning"])
    with pytest.raises(UnknownSession):
        book(sessioned, 1, friday, session="afternoon")
    assert book(sessioned, 1, friday).session == "morning"


def test_session_quota_and_cancel(sessioned: BookingService) -> None:
    with pytest.raises(SessionRequired):
        sessioned.set_quota(SERVICE, D1, 5, now=NOW)
    first = book(sessioned, 1, session="afternoon")
    with pytest.raises(QuotaBelowBooked):
        sessioned.set_quota(SERVICE, D1, 0, session="afternoon", now=NOW)
    day = sessioned.set_quota(SERVICE, D1, 3, session="afternoon", now=NOW)
    assert (day.quota, day.sessions[1].quota, day.sessions[1].left) == (5, 3, 2)
    sessioned.cancel(first.code, NOW)
    day = sessioned.day_availability(SERVICE, D1)
    assert (day.booked, day.sessions[1].booked) == (0, 0)


def test_reschedule_between_sessions_and_close(sessioned: BookingService) -> None:
    first = book(sessioned, 1, session="morning")
    moved = sessioned.reschedule(first.code, D1, NOW, session="afternoon")
    assert (moved.day, moved.session, moved.queue_number) == (D1, "afternoon", 2)
    day = sessioned.day_availability(SERVICE, D1)
    assert [s.booked for s in day.sessions] == [0, 1]
    book(sessioned, 2)
    affected = sessioned.close_day(SERVICE, D1, "banjir", NOW)
    assert len(affected) == 2
    day = sessioned.day_availability(SERVICE, D1)
    assert (day.booked, [s.booked for s in day.sessions], day.left) == (0, [0, 0], 0)


def test_a_recent_availability_read_is_reused_until_a_change_or_max_age(db: Database) -> None:
    """``max_age`` (the day list shown to citizens): the same window read once within that
    many seconds; read again after ``max_age``, when the window moves, and after staff changed
    a day through the service (bookings only move the places left, which may lag); without
    it, every call reads."""
    service = make_service(db)
    reads: list[tuple[date, ...]] = []
    store_read = service._store.day_states

    def counting(svc: str, days: Any) -> Any:
        reads.append(tuple(days))
        return store_read(svc, days)

    service._store.day_states = counting  # type: ignore[method-assign]
    clock = [100.0]
    service._monotonic = lambda: clock[0]

    def left_on_d1(now: datetime = NOW) -> int:
        days = service.availability(SERVICE, now, max_age=1.0)
        return next(a.left for a in days if a.day == D1)

    assert left_on_d1() == 30
    clock[0] += 0.9
    assert left_on_d1() == 30
    assert len(reads) == 1  # reused
    book(service, 1)  # the places left may lag by max_age
    assert left_on_d1() == 30
    assert len(reads) == 1
    clock[0] += 0.2  # older than max_age: read again
    assert left_on_d1() == 29
    assert len(reads) == 2
    assert service.availability(SERVICE, NOW)[0].left == 29  # without max_age: always read
    assert len(reads) == 3
    later = NOW + timedelta(days=1)  # the window moved on: another set of days, read
    service.availability(SERVICE, later, max_age=1.0)
    assert len(reads) == 4
    assert reads[-1] != reads[0]
    for change in (
        lambda: service.close_day(SERVICE, D2, "Listrik padam", now=NOW),
        lambda: service.reopen_day(SERVICE, D2, now=NOW),
        lambda: service.set_quota(SERVICE, D1, 12, now=NOW),
    ):
        left_on_d1()
        before = len(reads)
        change()
        left_on_d1()
        assert len(reads) == before + 1
    assert left_on_d1() == 12 - 1


def test_a_booking_refused_for_a_full_or_closed_day_makes_recent_reads_stale(
    db: Database,
) -> None:
    """The day question is asked again after "baru saja penuh": the days offered then must not
    show that day open from a recent read. Another process (a second service on the same
    database) fills one day and closes another; this one's recent read still shows them open
    until a booking is refused, then reads them again."""
    here, elsewhere = make_service(db), make_service(db)
    here._monotonic = lambda: 100.0  # every read within max_age of the first

    def day(which: date) -> Any:
        return next(a for a in here.availability(SERVICE, NOW, max_age=1.0) if a.day == which)

    assert day(D1).bookable
    assert day(D2).bookable
    elsewhere.set_quota(SERVICE, D1, 1, now=NOW)
    book(elsewhere, 1, D1)
    assert day(D1).left == 30  # a recent read: the other process's booking not seen yet
    with pytest.raises(DayFull):
        book(here, 2, D1)
    assert (day(D1).left, day(D1).bookable) == (0, False)
    elsewhere.close_day(SERVICE, D2, "Listrik padam", now=NOW)
    assert day(D2).bookable  # a recent read again
    with pytest.raises(DayNotBookable):
        book(here, 2, D2)
    assert (day(D2).closed, day(D2).bookable) == (True, False)
